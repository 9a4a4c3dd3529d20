# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require "minitest/autorun"
require "json"
require "open3"
require "trawl"

# The loopback test server with Tests/bindings/pages, and the C API's answer for comparison.
module TestSupport
  REPO = File.expand_path("../../..", __dir__)
  PAGES = File.join(REPO, "Tests", "bindings", "pages")
  SERVER = File.join(REPO, "Tests", "TrawlTestSupport", "Resources", "testserver.py")
  C_CRAWL = ENV["TRAWL_C_CRAWL_JSON"] || File.join(REPO, ".build", "ctest", "crawl_json")

  def self.base_url
    @base_url ||= begin
      # The server exits when its stdin closes, i.e. with this process.
      @server = IO.popen(["python3", SERVER, "--corpus", PAGES, "--no-tls"], "r+", err: File::NULL)
      port = @server.gets.to_s.strip
      raise "the test server did not start" unless port.match?(/\A\d+\z/)

      "http://127.0.0.1:#{port}"
    end
  end

  def self.page_names
    Dir.children(PAGES).select { |n| n.end_with?(".html") }.sort
  end

  def self.page_urls
    page_names.map { |n| "#{base_url}/corpus/#{n}" }
  end

  def self.page_text(name)
    File.read(File.join(PAGES, name), encoding: "UTF-8")
  end

  # [{url:, matches:}] from trawl_result_list_json for [name, source, flags] patterns.
  def self.c_api(urls, patterns)
    args = [C_CRAWL, "-n"]
    patterns.each { |name, source, flags| args.push("-p", name, flags.to_s, source) }
    out, err, status = Open3.capture3(*args, "--", *urls)
    raise "crawl_json failed: #{err}" unless status.success?

    out.lines.map { |l| JSON.parse(l) }
  end

  def self.rss_kib
    File.read("/proc/self/status")[/^VmRSS:\s+(\d+)/, 1].to_i
  end
end
