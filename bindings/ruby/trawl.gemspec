# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require_relative "lib/trawl/version"

Gem::Specification.new do |s|
  s.name = "trawl"
  s.version = Trawl::VERSION
  s.summary = "Crawl batches of URLs in parallel and extract data with named regular expressions"
  s.description = "Ruby bindings (Fiddle) to libtrawl.so, trawl's C API: libcurl transfers in " \
                  "parallel, PCRE2 extraction, Ruby Regexps translated so matches equal String#scan."
  s.authors = ["trawl contributors"]
  s.license = "Apache-2.0"
  s.required_ruby_version = ">= 3.0"
  # libtrawl.so is packed when `make ruby-gem-test` (or a packager) copies it next to the
  # code; otherwise the gem finds it in the install prefix or through TRAWL_LIBRARY.
  s.files = Dir["lib/**/*.rb"] + Dir["lib/trawl/libtrawl.so"] + ["README.md"]
  s.require_paths = ["lib"]
end
