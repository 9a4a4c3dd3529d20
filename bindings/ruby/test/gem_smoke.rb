# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

# Run by `make ruby-gem-test` with only the installed gem on the load path: it loads, finds
# libtrawl.so packed next to itself, and extracts.
gem "trawl"
require "trawl"

dir = Gem.loaded_specs.fetch("trawl").full_gem_path
raise "not the installed gem: #{dir}" unless dir.start_with?(ENV.fetch("GEM_HOME"))
raise "TRAWL_LIBRARY is set" if ENV["TRAWL_LIBRARY"]

got = Trawl.extract("<title>Gem</title> a=1", default_patterns: false, patterns: { t: %r{<title>(.*?)</title>}, kv: /(\w)=(\d)/ })
raise "unexpected #{got.inspect}" unless got == { t: [["Gem"]], kv: [%w[a 1]] }
puts "gem #{Trawl::VERSION} from #{dir}, libtrawl #{Trawl.library_version}: ok"
