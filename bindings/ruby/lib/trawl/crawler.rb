# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require "json"

module Trawl
  # Everything trawl learnt about one URL. `status` is nil when no response arrived; `error`
  # nil or the Trawl::URLError saying why the URL failed; `matches` maps each pattern's name
  # (a Symbol) to its matches: for a Regexp pattern exactly what String#scan returns (strings
  # without groups, arrays of group strings with groups; a group that did not take part is ""
  # rather than nil), for a String pattern what Python's re.findall returns. With the follow
  # option, `depth` counts the links followed from a seed (0 for a seed), `parent` is the index
  # of the result of the page the URL was found on and `parent_url` its URL (-1 and nil for a
  # seed, and without follow).
  Result = Struct.new(:index, :url, :final_url, :status, :content_type, :charset, :bytes,
                      :elapsed, :error, :matches, :attempts, :depth, :parent, :parent_url,
                      keyword_init: true) do
    def ok?
      error.nil?
    end
  end

  CODES_BY_NAME = (0...64).to_h { |c| [Native.string(Native.trawl_status_name(c)), c] }
                          .reject { |name, _| name == "unknown" }.freeze
  private_constant :CODES_BY_NAME

  # Helpers for C out-parameters and handles.
  module Handles
    def self.out_pointer
      Fiddle::Pointer.malloc(Fiddle::SIZEOF_VOIDP, Fiddle::RUBY_FREE)
    end

    def self.read_pointer(buf)
      Fiddle::Pointer.new(buf[0, Fiddle::SIZEOF_VOIDP].unpack1("J"))
    end

    def self.read_size(buf)
      buf[0, Fiddle::SIZEOF_SIZE_T].unpack1("J")
    end

    # The result's JSON rendering (one foreign call), shaped for Ruby.
    def self.result(handle, scan_shaped)
      len = out_pointer
      row = JSON.parse(Native.trawl_result_json(handle, len).to_s(read_size(len)))
      error = nil
      if (err = row["error"])
        error = Trawl.error_for(CODES_BY_NAME.fetch(err["code"], -1), err["message"])
      end
      matches = {}
      row["matches"].each_with_index do |(name, found), p|
        if scan_shaped[name] && Native.trawl_result_group_count(handle, p) == 1
          found = found.map { |m| [m] }
        end
        matches[name.to_sym] = found
      end
      Result.new(index: Native.trawl_result_index(handle), url: row["url"], final_url: row["final_url"],
                 status: row["status"], content_type: row["content_type"], charset: row["charset"],
                 bytes: row["bytes"], elapsed: Native.trawl_result_elapsed(handle), error: error,
                 matches: matches, attempts: row["attempts"], depth: row.fetch("depth", 0),
                 parent: row.fetch("parent", -1), parent_url: row["parent_url"])
    end
  end

  # The batch statistics' JSON (trawl_batch_stats_json) shaped for Ruby.
  module Stats
    def self.read(handle)
      len = Handles.out_pointer
      ptr = Native.trawl_batch_stats_json(handle, len)
      return {} if ptr.null?

      stats = JSON.parse(ptr.to_s(Handles.read_size(len)), symbolize_names: true)
      stats[:statuses] = stats[:statuses].to_h { |k, v| [k.to_s.to_i, v] } if stats[:statuses].is_a?(Hash)
      stats
    end
  end

  # One running batch. Results come out of the library as they complete; an ordered batch
  # holds early ones back to yield input order. `cancel` may be called from any thread.
  class Batch
    include Enumerable
    POLL_MS = 100 # between waits Ruby runs its interrupts: Ctrl-C is seen this soon

    attr_reader :size

    def initialize(crawler_handle, urls, ordered, scan_shaped, on_close = nil)
      raise TypeError, "urls must be an Array of Strings, got #{urls.class}" unless urls.respond_to?(:to_ary)

      strings = urls.to_ary.map do |u|
        raise TypeError, "URLs must be Strings, got #{u.class}" unless u.is_a?(String)

        "#{u.encode(Encoding::UTF_8)}\0"
      end
      @size = strings.size
      @ordered = ordered
      @scan_shaped = scan_shaped
      array = strings.map { |s| Fiddle::Pointer[s].to_i }.pack("J*")
      out = Handles.out_pointer
      # A failed start hands back no batch to hold its message: the library keeps it per thread.
      Trawl.check(Native.trawl_batch_start(crawler_handle, strings.empty? ? nil : array, @size, out)) do
        Native.string(Native.trawl_last_error)
      end
      @handle = Handles.read_pointer(out)
      @lock = Mutex.new
      @stats = nil
      @on_close = on_close
    end

    # Yields each Result; leaving early (break, an exception, Ctrl-C) cancels the rest.
    def each
      return enum_for(:each) unless block_given?

      held = {}
      upcoming = 0
      while (r = pull)
        unless @ordered
          yield r
          next
        end
        held[r.index] = r
        while (x = held.delete(upcoming))
          upcoming += 1
          yield x
        end
      end
    ensure
      close
    end

    # Stops the batch soon: the URLs not yet done come back as Trawl::Cancelled results.
    def cancel
      @lock.synchronize { Native.trawl_batch_cancel(@handle) if @handle }
    end

    # What the batch did (so far while it runs, all of it once done; kept after close), from
    # trawl_batch_stats_json: a Hash with Symbol keys (:results, :pages, :wall_seconds,
    # :pages_per_second, :bytes, :attempts, :retries, :robots_refusals, ...); :statuses maps
    # Integer statuses to counts, :errors error names (Symbols) to counts, :seconds has
    # :fetch, :decode and :extract, :top_hosts is an Array of { host:, results:, seconds: }.
    # Keys may be added, never removed (docs/politeness.md).
    def stats
      @lock.synchronize { @handle ? Stats.read(@handle) : @stats }
    end

    # Cancels the batch if it still runs and frees it (its stats are kept).
    def close
      handle, stats = @lock.synchronize do
        h = @handle
        @stats = Stats.read(h) if h
        @handle = nil
        [h, @stats]
      end
      return unless handle

      Native.trawl_batch_free(handle)
      @on_close&.call(stats)
    end

    private

    def pull
      out = Handles.out_pointer
      loop do
        return nil if @handle.nil?

        status = Native.trawl_batch_next(@handle, out, POLL_MS)
        return nil if status == Native::DONE
        next if status == Native::TIMED_OUT

        Trawl.check(status)
        r = Handles.read_pointer(out)
        begin
          return Handles.result(r, @scan_shaped)
        ensure
          Native.trawl_result_free(r)
        end
      end
    end
  end

  # Options and compiled patterns, reusable for any number of crawls and extractions, from
  # several threads at once.
  #
  #   crawler = Trawl::Crawler.new(jobs: 4, patterns: { title: /<title>(.*?)<\/title>/im })
  #   crawler.crawl(urls)                       # Array of Result, input order
  #   crawler.each_result(urls, order: :completed) { |r| ... }
  #
  # Options are keyword arguments named as the library names them (Trawl.options lists
  # them): jobs:, concurrency:, timeout:, user_agent:, headers: { "X" => "1" }, ...
  # patterns: maps names to Regexps (translated, see RegexpTranslation), Strings (trawl's
  # Python syntax) or [String, flags].
  class Crawler
    ORDERS = %i[input completed].freeze

    def initialize(patterns: {}, default_patterns: true, order: :input, **options)
      @order = order.to_sym
      raise Trawl::InvalidArgument.new("option order: must be :input or :completed, got #{order.inspect}") unless ORDERS.include?(@order)

      compiled = compile_patterns(patterns)
      pairs = Settings.pairs(options)
      out = Handles.out_pointer
      Trawl.check(Native.trawl_options_new(out))
      opts = Handles.read_pointer(out)
      begin
        configure(opts, default_patterns, pairs, compiled)
        status = Native.trawl_crawler_new(opts, out)
        handle = Handles.read_pointer(out)
        unless status == Native::OK
          message = Native.string(Native.trawl_crawler_last_error(handle))
          Native.trawl_crawler_free(handle)
          raise Trawl.error_for(status, message)
        end
      ensure
        Native.trawl_options_free(opts)
      end
      @box = [handle]
      @last_stats = nil
      ObjectSpace.define_finalizer(self, self.class.releaser(@box))
    end

    def self.releaser(box)
      proc { (h = box.shift) && Native.trawl_crawler_free(h) }
    end

    # Crawls urls and returns every Result in input order; with a block, yields each Result
    # as the crawler's order has it instead (and returns nil).
    def crawl(urls, &block)
      return each_result(urls, &block) && nil if block

      results = Array.new(urls.size)
      each_result(urls, order: :completed) { |r| results[r.index] = r }
      results
    end

    # Yields each Result (input order, or :completed); an Enumerator without a block.
    def each_result(urls, order: @order, &block)
      return enum_for(:each_result, urls, order: order) unless block

      start(urls, order: order).each(&block)
    end

    # Starts a batch now and returns it (Trawl::Batch: each, cancel, close, stats).
    def start(urls, order: @order)
      Batch.new(require_handle, urls, order.to_sym == :input, @scan_shaped, ->(s) { @last_stats = s })
    end

    # The statistics of this crawler's last finished batch (crawl, each_result, or a closed
    # Batch), as Batch#stats gives them; nil before the first.
    def stats
      @last_stats
    end

    # Runs the patterns over text with no network: { name => matches }.
    def extract(text)
      raise TypeError, "text must be a String, got #{text.class}" unless text.is_a?(String)

      data = text.encode(Encoding::UTF_8)
      out = Handles.out_pointer
      Trawl.check(Native.trawl_extract(require_handle, data, data.bytesize, out))
      r = Handles.read_pointer(out)
      result = begin
        Handles.result(r, @scan_shaped)
      ensure
        Native.trawl_result_free(r)
      end
      raise result.error if result.error

      result.matches
    end

    # Frees the compiled patterns now (running batches keep what they need).
    def close
      self.class.releaser(@box).call
      nil
    end

    private

    def require_handle
      @box.first or raise InvalidState.new("the crawler is closed")
    end

    def compile_patterns(patterns)
      raise TypeError, "option patterns: takes a Hash, got #{patterns.class}" unless patterns.is_a?(Hash)

      @scan_shaped = {}
      patterns.map do |name, pattern|
        name = name.to_s
        source, flags = case pattern
                        when Regexp
                          @scan_shaped[name] = true
                          RegexpTranslation.translate(name, pattern)
                        when String then [pattern, 0]
                        when Array then [pattern.fetch(0), Integer(pattern.fetch(1))]
                        else raise TypeError, "pattern #{name}: takes a Regexp, a String or [String, flags], got #{pattern.class}"
                        end
        [name, source, flags]
      end
    end

    def configure(opts, default_patterns, pairs, compiled)
      Settings.apply(opts, "default_patterns", default_patterns ? true : false)
      # The library hands results out as they complete; Batch restores input order.
      Settings.apply(opts, "order", "completed")
      pairs.each { |key, value| Settings.apply(opts, key, value) }
      compiled.each do |name, source, flags|
        Trawl.check(Native.trawl_options_add_pattern(opts, name, source, flags)) do
          Native.string(Native.trawl_options_last_error(opts))
        end
      end
    end
  end
end
