# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require_relative "helper"
require "tmpdir"

# Crawling the shared pages: the same matches as the C API and as Ruby's own String#scan.
class CrawlTest < Minitest::Test
  PATTERNS = {
    title: %r{<title>(.*?)</title>}im,
    kv: /(\w+)=(\w+)/,
    colour: /#(\h{6})|0x(\h+)/,
    cafe: /café/i,
    lines: /^\s*(\w+ line)$/,
    href: /href=["']([^"']*)["']/,
    num: /\d+/,
    mega: /\w+mega/i,
    named: /(?<word>[A-Z]\w+)\s(\w+)/,
    bounded: /\b\w+\b/,
    line_end: /\s*$/,
    starts: /^./,
    end_z: /(\w+)\s*\z/,
    flags: /(?i:beta)|(?m:<t.tle>.)/,
  }.freeze

  def scan(text, re)
    text.scan(re).map { |m| m.is_a?(Array) ? m.map { |g| g || "" } : m }
  end

  def test_matches_equal_the_c_api_and_string_scan_on_every_page
    urls = TestSupport.page_urls
    results = Trawl.crawl(urls, jobs: 2, default_patterns: false, patterns: PATTERNS)
    translated = PATTERNS.map { |name, re| [name.to_s, *Trawl::RegexpTranslation.translate(name.to_s, re)] }
    expected = TestSupport.c_api(urls, translated)
    assert_equal 4, results.size
    results.zip(expected, TestSupport.page_names) do |r, e, name|
      assert_nil r.error
      assert_equal e["url"], r.url
      text = TestSupport.page_text(name)
      PATTERNS.each do |key, re|
        assert_equal scan(text, re), r.matches[key], "#{name} #{key}: String#scan"
        flat = r.matches[key].map { |m| m.is_a?(Array) && m.size == 1 ? m.first : m }
        assert_equal e["matches"][key.to_s], flat, "#{name} #{key}: C API"
      end
    end
    assert results.any? { |r| !r.matches[:kv].empty? }
  end

  def test_string_patterns_and_defaults_have_python_shapes
    url = TestSupport.page_urls.first
    r = Trawl.crawl([url], patterns: { py: "(?P<k>key\\d)=(\\w+)" }).first
    assert_equal [%w[key1 val1], %w[key2 val2]], r.matches[:py]
    assert_equal ["start"], r.matches[:button]
    assert_equal ["/one", "/three?q=1"], r.matches[:link], "the default link pattern is case-sensitive"
  end

  def test_block_and_enumerator_forms
    # The slow URL second: a host's first transfer runs alone (per_host_connections).
    slow = "#{TestSupport.base_url}/slow?seconds=1.5"
    urls = TestSupport.page_urls.take(1) + [slow] + TestSupport.page_urls.drop(1)
    seen = []
    Trawl.crawl(urls, order: :completed) { |r| seen << r.url }
    assert_equal urls.sort, seen.sort
    assert_equal slow, seen.last, "completed order: the slow URL comes last"
    assert_equal urls, Trawl.results(urls).map(&:url), "input order by default"
    assert_equal urls, Trawl.crawl(urls, order: :completed).map(&:url), "the array is in input order"
    assert_kind_of Enumerator, Trawl.results(urls)
  end

  def test_keyword_options_and_headers
    url = "#{TestSupport.base_url}/headers"
    r = Trawl.crawl([url], headers: { "X-One" => "1" }, header: ["X-Two: 2"], user_agent: "rb/1",
                           default_patterns: false, patterns: { h: /"(x-[a-z]+|user-agent)": "([^"]*)"/ }).first
    assert_equal [["user-agent", "rb/1"], %w[x-one 1], %w[x-two 2]], r.matches[:h].sort
  end

  def test_error_paths
    e = assert_raises(Trawl::InvalidRegex) { Trawl::Crawler.new(patterns: { bad: "ab(c" }) }
    assert_equal 2, e.offset
    assert_equal 3, e.code
    assert_equal :invalid_regex, e.name
    assert_match(/bad/, e.message)
    e = assert_raises(Trawl::UnknownOption) { Trawl::Crawler.new(no_such_option: 1) }
    assert_match(/no_such_option/, e.message)
    assert_kind_of Trawl::Error, e
    assert_raises(Trawl::InvalidArgument) { Trawl::Crawler.new(concurrency: -1) }
    e = assert_raises(TypeError) { Trawl::Crawler.new(concurrency: "8") }
    assert_match(/concurrency/, e.message)
    assert_raises(TypeError) { Trawl::Crawler.new(headers: ["X: 1"]) }
    assert_raises(TypeError) { Trawl.crawl("http://one.url/") }
    results = Trawl.crawl(["not a url", "ftp://127.0.0.1/x"])
    assert_instance_of Trawl::InvalidURL, results[0].error
    assert_equal 20, results[0].error.code
    assert_instance_of Trawl::UnsupportedProtocol, results[1].error
    refute results[0].ok?
    # Nothing listens on port 1: the batch cannot start, and the error says why.
    e = assert_raises(Trawl::BackendUnavailable) do
      Trawl.crawl(["http://127.0.0.1:1/"], backend: "cluster", redis_url: "redis://127.0.0.1:1/0")
    end
    assert_match(/127\.0\.0\.1:1/, e.message)
  end

  def test_error_classes_carry_the_library_codes
    Trawl::ERROR_CLASSES.each do |code, cls|
      name = Trawl::Native.string(Trawl::Native.trawl_status_name(code))
      refute_equal "unknown", name, cls.name
      assert_equal name.to_sym, cls.new("m").name, cls.name
      assert_operator cls, :<, Trawl::Error
    end
    assert_equal({ 20 => Trawl::InvalidURL, 24 => Trawl::Timeout, 31 => Trawl::Cancelled },
                 Trawl::ERROR_CLASSES.slice(20, 24, 31))
    # Every error code the library names has its own class (0 is OK; 9 and 10 are the
    # batch's done and timed-out statuses, never raised).
    named = (1..99).reject { |c| [9, 10].include?(c) }
                   .reject { |c| Trawl::Native.string(Trawl::Native.trawl_status_name(c)) == "unknown" }
    assert_equal named, Trawl::ERROR_CLASSES.keys.sort
  end

  def test_a_body_that_is_not_its_content_encoding_is_a_bad_response
    r = Trawl.crawl(["#{TestSupport.base_url}/bytes?hex=3c703e&ce=gzip"]).first
    assert_instance_of Trawl::BadResponse, r.error
    assert_equal [37, :bad_response], [r.error.code, r.error.name]
  end

  def test_options_come_from_the_library
    opts = Trawl.options
    assert_equal "double", opts[:timeout].type
    assert_equal 30, opts[:timeout].default
    assert opts[:header].repeatable
    assert(opts.values.all? { |o| !o.doc.empty? })
  end

  def test_untranslatable_regexp_is_refused_before_any_traffic
    e = assert_raises(Trawl::UntranslatableRegex) do
      Trawl.crawl(["#{TestSupport.base_url}/slow?seconds=30"], patterns: { posix: /[[:alpha:]]+/ })
    end
    assert_match(/posix/, e.message)
    assert_match(/POSIX bracket/, e.message)
    assert_kind_of Trawl::InvalidRegex, e
  end

  def test_empty_batch
    assert_equal [], Trawl.crawl([])
    assert_equal [], Trawl.results([]).to_a
  end

  def test_cancel_from_another_thread
    crawler = Trawl::Crawler.new(timeout: 120)
    batch = crawler.start(["#{TestSupport.base_url}/slow?seconds=60"] * 3)
    Thread.new { sleep 0.2; batch.cancel }
    results = batch.to_a
    assert_equal 3, results.size
    assert(results.all? { |r| r.error.is_a?(Trawl::Cancelled) })
  ensure
    crawler&.close
  end

  def test_leaving_the_block_cancels
    start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    Trawl.crawl(TestSupport.page_urls + ["#{TestSupport.base_url}/slow?seconds=60"], timeout: 120) { |_r| break }
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - start, :<, 30
  end

  def test_gvl_is_released_while_waiting
    crawler = Trawl::Crawler.new
    batch = crawler.start(["#{TestSupport.base_url}/slow?seconds=1.5"])
    ticks = 0
    ticker = Thread.new { loop { ticks += 1; sleep 0.01 } }
    # One call that blocks for up to a second: other threads run only if it released the GVL.
    out = Trawl::Handles.out_pointer
    assert_equal Trawl::Native::TIMED_OUT,
                 Trawl::Native.trawl_batch_next(batch.instance_variable_get(:@handle), out, 1000)
    ticker.kill
    assert_operator ticks, :>, 20, "another Ruby thread ran while the crawl waited"
  ensure
    batch&.close
    crawler&.close
  end

  def test_ctrl_c_cancels_the_batch
    # A shell without job control starts background commands (`make test &`) with SIGINT
    # ignored, and Ruby then leaves it ignored: the test needs Ruby's own handler (Interrupt).
    previous = trap("INT", "DEFAULT")
    start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    Thread.new { sleep 0.3; Process.kill("INT", Process.pid) }
    assert_raises(Interrupt) { Trawl.crawl(["#{TestSupport.base_url}/slow?seconds=60"] * 3, timeout: 120) }
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - start, :<, 30
    assert_nil Trawl.crawl(TestSupport.page_urls.first(1)).first.error, "the next crawl is unaffected"
  ensure
    trap("INT", previous) if previous
  end

  def test_stats_add_up_to_the_batch
    base = TestSupport.base_url
    crawler = Trawl::Crawler.new(jobs: 2, max_retries: 0)
    assert_nil crawler.stats, "no batch yet"
    urls = ["#{base}/headers", "#{base}/headers", "#{base}/status/404", "not a url"]
    batch = crawler.start(urls)
    results = batch.to_a # runs the batch to its end and closes it
    s = crawler.stats
    assert_equal s, batch.stats, "a closed batch keeps its stats"
    assert_equal 4, s[:results]
    assert_equal 3, s[:pages]
    assert_equal({ 200 => 2, 404 => 1 }, s[:statuses])
    assert_equal({ invalid_url: 1 }, s[:errors])
    assert_equal [results.sum(&:attempts), 0], [s[:attempts], s[:retries]]
    assert_equal %i[decode extract fetch], s[:seconds].keys.sort
    assert_equal({ host: TestSupport.base_url.sub(%r{\Ahttp://}, ""), results: 3 },
                 s[:top_hosts].first.slice(:host, :results))
    assert_operator s[:bytes], :>, 0
    crawler.crawl(["#{base}/headers"])
    assert_equal 1, crawler.stats[:results], "the last batch's"
  end

  def test_cookie_file_is_loaded_and_saved
    base = TestSupport.base_url
    Dir.mktmpdir do |dir|
      file = File.join(dir, "jar.txt")
      File.write(file, "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom\truby\n")
      r = Trawl.crawl(["#{base}/headers", "#{base}/set-cookie?made=here"], cookie_file: file,
                      default_patterns: false, patterns: { cookie: /"cookie": "([^"]*)"/ })
      assert_equal ["from=ruby"], r[0].matches[:cookie].flatten
      lines = File.readlines(file, chomp: true).reject { |l| l.start_with?("#") || l.empty? }
      assert_equal ["127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom\truby", "127.0.0.1\tFALSE\t/\tFALSE\t0\tmade\there"],
                   lines.sort
      assert_equal "bool", Trawl.options[:cookies].type
      File.binwrite(file, "\x00\x01")
      e = assert_raises(Trawl::InvalidArgument) { Trawl.crawl(["#{base}/headers"], cookie_file: file) }
      assert_includes e.message, file
    end
  end

  def test_memory_stays_flat_over_a_thousand_cycles
    url = TestSupport.page_urls.first(1)
    cycle = lambda do
      c = Trawl::Crawler.new(jobs: 1, patterns: { t: %r{<title>(.*?)</title>} })
      raise "no result" unless c.crawl(url).size == 1
    ensure
      c&.close
    end
    100.times { cycle.call }
    GC.start
    before = TestSupport.rss_kib
    1000.times { cycle.call }
    GC.start
    after = TestSupport.rss_kib
    assert_operator after, :<=, before * 1.05, "RSS grew from #{before} KiB to #{after} KiB"
  end

  # Follow mode: /graph/TOKEN/50/N from page 0 within two links is pages 0-6.
  def test_follow_gives_depth_and_parent
    seed = "#{TestSupport.base_url}/graph/ruby#{Process.pid}/50/0"
    results = Trawl.crawl([seed], follow: "link", max_depth: 2)
    assert_equal (0..6).to_a, results.map { |r| r.url.split("/").last.to_i }.sort
    assert_equal [0, -1, nil], [results[0].depth, results[0].parent, results[0].parent_url]
    results.drop(1).each do |r|
      parent = results[r.parent]
      assert_equal [parent.depth + 1, parent.url], [r.depth, r.parent_url]
    end
    assert_raises(Trawl::InvalidArgument) { Trawl.crawl([seed], follow: "link", follow_scope: "planet") }
  end
end
