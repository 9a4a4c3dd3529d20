# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require "json"

module Trawl
  # One option as libtrawl describes it (trawl_options_describe_json): `type` is one of
  # "int", "double", "string", "bool", "choice", "list".
  Option = Struct.new(:name, :type, :default, :min, :max, :choices, :scope, :flag, :repeatable,
                      :doc, keyword_init: true)

  # Every option of the loaded library by name (Symbol), in the library's order. Keyword
  # arguments of Trawl.crawl and Trawl::Crawler.new take these names, plus `patterns:`,
  # `headers:` (a Hash) and `default_patterns:`.
  def self.options
    @options ||= begin
      json = Native.describe_json
      rows = json ? JSON.parse(json) : []
      rows.to_h do |r|
        [r["name"].to_sym, Option.new(**r.slice(*Option.members.map(&:to_s)).transform_keys(&:to_sym)).freeze]
      end.freeze
    end
  end

  # Keyword arguments to (C name, value) pairs, checked against the library's description.
  module Settings
    RUBY_TYPES = { "int" => [Integer], "double" => [Integer, Float], "bool" => [TrueClass, FalseClass],
                   "string" => [String, Symbol], "choice" => [String, Symbol, Integer],
                   "list" => [String] }.freeze

    def self.pairs(options)
      options = options.dup
      out = header_lines(options.delete(:headers)).map { |line| ["header", line] }
      known = Trawl.options
      options.each do |key, value|
        next if value.nil?

        opt = known[key.to_sym]
        if opt.nil? && !known.empty?
          raise UnknownOption.new("unknown option '#{key}' (Trawl.options lists them)", code: UnknownOption::CODE)
        end
        values = value.is_a?(Array) ? value : [value]
        raise TypeError, "option #{key}: takes one value, got an Array" if opt && values.size != 1 && !opt.repeatable

        values.each do |v|
          check_type(opt, v) if opt
          v = v.to_f if opt&.type == "double"
          out << [key.to_s, v]
        end
      end
      out
    end

    def self.check_type(opt, value)
      allowed = RUBY_TYPES.fetch(opt.type, [Object])
      return if allowed.any? { |t| value.is_a?(t) }

      raise TypeError, "option #{opt.name}: takes #{opt.type == 'double' ? 'a Numeric' : allowed.first}, got #{value.class}"
    end

    def self.header_lines(headers)
      return [] if headers.nil?
      raise TypeError, "option headers: takes a Hash, got #{headers.class}" unless headers.is_a?(Hash)

      headers.map do |k, v|
        raise TypeError, "option headers: takes String keys and values, got #{k.class} => #{v.class}" unless
          [String, Symbol].any? { |t| k.is_a?(t) } && v.is_a?(String)

        "#{k}: #{v}"
      end
    end

    # Applies one pair to a trawl_options handle with the setter its value's type needs.
    def self.apply(opts, key, value)
      status = case value
               when true, false then Native.trawl_options_set_int(opts, key, value ? 1 : 0)
               when Integer then Native.trawl_options_set_int(opts, key, value)
               when Float then Native.trawl_options_set_double(opts, key, value)
               when String, Symbol then Native.trawl_options_set_str(opts, key, value.to_s)
               else raise TypeError, "option #{key}: unsupported value #{value.class}"
               end
      Trawl.check(status) { Native.string(Native.trawl_options_last_error(opts)) }
    end
  end
end
