# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

module Trawl
  VERSION = "0.1.0"
end
