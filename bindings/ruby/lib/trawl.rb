# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

# trawl: crawl batches of URLs in parallel (libcurl) and extract data with named regular
# expressions (PCRE2), through libtrawl.so's C API and Fiddle.
#
#   require "trawl"
#   results = Trawl.crawl(urls, jobs: 4, patterns: { title: /<title>(.*?)<\/title>/im })
#   results.each { |r| puts "#{r.url} #{r.status} #{r.matches[:title].inspect}" }
#   Trawl.crawl(urls, order: :completed) { |r| ... }   # as they finish
module Trawl
end

require_relative "trawl/version"
require_relative "trawl/native"
require_relative "trawl/errors"
require_relative "trawl/regexp_translation"
require_relative "trawl/options"
require_relative "trawl/crawler"

module Trawl
  # IGNORECASE etc. for [String, flags] patterns: Python's re values (TRAWL_FLAG_*).
  IGNORECASE = 2
  MULTILINE = 8
  DOTALL = 16
  VERBOSE = 64
  ASCII = 256

  # The loaded library's version ("0.1.0").
  def self.library_version
    Native.string(Native.trawl_version)
  end

  # Crawls urls with a new Crawler (see Crawler.new for the keyword options): an Array of
  # Result in input order, or, with a block, each Result yielded as it comes (input order, or
  # as they finish with order: :completed). Ctrl-C or leaving the block cancels the batch.
  def self.crawl(urls, **options, &block)
    crawler = Crawler.new(**options)
    crawler.crawl(urls, &block)
  ensure
    crawler&.close
  end

  # An Enumerator of Result; the batch starts when it is iterated.
  def self.results(urls, **options)
    Enumerator.new do |y|
      crawler = Crawler.new(**options)
      begin
        crawler.each_result(urls) { |r| y << r }
      ensure
        crawler.close
      end
    end
  end

  # Runs the patterns over text with no network.
  def self.extract(text, **options)
    crawler = Crawler.new(**options)
    crawler.extract(text)
  ensure
    crawler&.close
  end
end
