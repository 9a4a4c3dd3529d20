# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require "fiddle"

module Trawl
  # The C functions of include/trawl.h, bound with Fiddle. Fiddle releases the GVL around
  # every call (need_gvl: false), so a thread waiting in trawl_batch_next leaves the other
  # Ruby threads running.
  module Native
    # The header version this binding was written against (TRAWL_VERSION_NUM).
    HEADER_VERSION_NUM = 0x000100
    OK = 0
    DONE = 9
    TIMED_OUT = 10

    P = Fiddle::TYPE_VOIDP
    I32 = Fiddle::TYPE_INT32_T
    I64 = Fiddle::TYPE_INT64_T
    U32 = -Fiddle::TYPE_INT32_T # Fiddle spells unsigned as the negated signed type
    SIZE = Fiddle::TYPE_SIZE_T
    DBL = Fiddle::TYPE_DOUBLE
    VOID = Fiddle::TYPE_VOID

    # name => [argument types, return type]
    FUNCTIONS = {
      trawl_version: [[], P],
      trawl_version_num: [[], I32],
      trawl_strerror: [[I32], P],
      trawl_status_name: [[I32], P],
      trawl_options_new: [[P], I32],
      trawl_options_free: [[P], VOID],
      trawl_options_set_int: [[P, P, I64], I32],
      trawl_options_set_double: [[P, P, DBL], I32],
      trawl_options_set_str: [[P, P, P], I32],
      trawl_options_add_pattern: [[P, P, P, U32], I32],
      trawl_options_last_error: [[P], P],
      trawl_crawler_new: [[P, P], I32],
      trawl_crawler_free: [[P], VOID],
      trawl_crawler_last_error: [[P], P],
      trawl_last_error: [[], P],
      trawl_batch_start: [[P, P, SIZE, P], I32],
      trawl_batch_next: [[P, P, I64], I32],
      trawl_batch_cancel: [[P], I32],
      trawl_batch_free: [[P], VOID],
      trawl_batch_stats_json: [[P, P], P],
      trawl_extract: [[P, P, SIZE, P], I32],
      trawl_result_index: [[P], SIZE],
      trawl_result_elapsed: [[P], DBL],
      trawl_result_group_count: [[P, SIZE], SIZE],
      trawl_result_json: [[P, P], P],
      trawl_result_free: [[P], VOID],
    }.freeze

    # Where libtrawl.so is looked for: $TRAWL_LIBRARY, next to this gem (a copy packed into
    # it), the install prefix's lib directory (../../../lib from a gem installed under
    # PREFIX/lib/ruby), then the system's library path.
    def self.candidates
      return [ENV["TRAWL_LIBRARY"]] if ENV["TRAWL_LIBRARY"] && !ENV["TRAWL_LIBRARY"].empty?

      here = __dir__
      local = [File.join(here, "libtrawl.so"), File.expand_path("../libtrawl.so", here)]
      prefix = %w[../../../../lib ../../../lib].map { |up| File.expand_path(File.join(up, "libtrawl.so.0"), here) }
      (local + prefix).select { |p| File.exist?(p) } + ["libtrawl.so.0"]
    end

    def self.open_library
      errors = []
      candidates.each do |path|
        return Fiddle.dlopen(path)
      rescue Fiddle::DLError => e
        errors << "#{path}: #{e.message}"
      end
      raise LoadError, "cannot load libtrawl.so (set TRAWL_LIBRARY to its path, or install it " \
                       "with `make install`): #{errors.join('; ')}"
    end

    LIB = open_library
    FUNCTIONS.each do |name, (args, ret)|
      fn = Fiddle::Function.new(LIB[name.to_s], args, ret, name: name.to_s)
      define_singleton_method(name) { |*a| fn.call(*a) }
    end

    # trawl_options_describe_json, or nil from a library that predates it.
    def self.describe_json
      fn = Fiddle::Function.new(LIB["trawl_options_describe_json"], [], P)
      fn.call.to_s.force_encoding(Encoding::UTF_8)
    rescue Fiddle::DLError
      nil
    end

    def self.string(ptr)
      ptr.null? ? nil : ptr.to_s.force_encoding(Encoding::UTF_8)
    end

    num = trawl_version_num
    if num >> 16 != HEADER_VERSION_NUM >> 16 || num < HEADER_VERSION_NUM
      raise LoadError, format("libtrawl %s (0x%06x) does not match this binding, which needs 0x%06x " \
                              "or a later %d.x", string(trawl_version), num, HEADER_VERSION_NUM,
                              HEADER_VERSION_NUM >> 16)
    end
  end
end
