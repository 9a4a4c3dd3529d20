# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

module Trawl
  # The base of every trawl error. `code` is the C status number (stable: codes are only ever
  # appended), `name` its snake_case name as in JSON and the CLI (`:invalid_url`).
  class Error < StandardError
    attr_reader :code, :name

    def initialize(message, code: self.class::CODE, name: nil)
      super(message)
      @code = code
      @name = (name || Native.string(Native.trawl_status_name(code))).to_sym
    end

    CODE = -1
  end

  # A call's errors (codes 1-19).
  class InvalidArgument < Error; CODE = 1; end
  # An option name the library does not know.
  class UnknownOption < InvalidArgument; CODE = 2; end
  # A pattern that does not compile; `offset` is the byte offset in the pattern, when known.
  class InvalidRegex < Error
    CODE = 3
    attr_reader :offset

    def initialize(message, code: CODE, name: nil)
      super
      @offset = message[/offset (\d+)/, 1]&.to_i
    end
  end
  # A Ruby Regexp that this binding cannot translate to trawl's syntax; raised before any
  # network traffic. The message names the pattern and the reason.
  class UntranslatableRegex < InvalidRegex; end
  class InvalidState < Error; CODE = 4; end
  class OutOfMemory < Error; CODE = 5; end
  class IOError < Error; CODE = 6; end
  class InternalError < Error; CODE = 7; end
  class BackendUnavailable < Error; CODE = 8; end

  # Why one URL failed (a result's `error`; codes from 20).
  class URLError < Error; CODE = 20; end
  class InvalidURL < URLError; CODE = 20; end
  class UnsupportedProtocol < URLError; CODE = 21; end
  class DNSError < URLError; CODE = 22; end
  class ConnectError < URLError; CODE = 23; end
  class Timeout < URLError; CODE = 24; end
  class TooManyRedirects < URLError; CODE = 25; end
  class TooLarge < URLError; CODE = 26; end
  class TLSError < URLError; CODE = 27; end
  class HTTPError < URLError; CODE = 28; end
  class NetworkError < URLError; CODE = 29; end
  class RegexBudgetExceeded < URLError; CODE = 30; end
  class Cancelled < URLError; CODE = 31; end
  class WorkerCrashed < URLError; CODE = 32; end
  class WorkerLost < URLError; CODE = 33; end
  # The host's circuit breaker found it down, or it asked to retry later than retry_max.
  class HostUnavailable < URLError; CODE = 34; end
  class RobotsDisallowed < URLError; CODE = 35; end
  class BlockedAddress < URLError; CODE = 36; end
  class BadResponse < URLError; CODE = 37; end
  # The URL source failed while the batch read it (a streamed input); reported once.
  class InputError < URLError; CODE = 38; end

  ERROR_CLASSES = [InvalidArgument, UnknownOption, InvalidRegex, InvalidState, OutOfMemory,
                   IOError, InternalError, BackendUnavailable, InvalidURL, UnsupportedProtocol,
                   DNSError, ConnectError, Timeout, TooManyRedirects, TooLarge, TLSError,
                   HTTPError, NetworkError, RegexBudgetExceeded, Cancelled, WorkerCrashed,
                   WorkerLost, HostUnavailable, RobotsDisallowed, BlockedAddress, BadResponse,
                   InputError].to_h { |c| [c::CODE, c] }.freeze

  # The exception for status `code` (a code newer than this binding maps to its range's base).
  def self.error_for(code, message)
    cls = ERROR_CLASSES[code] || (code >= 20 ? URLError : Error)
    cls.new(message, code: code)
  end

  # Raises for a failed C call; the block gives the message.
  def self.check(status)
    return if status == Native::OK

    message = block_given? ? yield : Native.string(Native.trawl_strerror(status))
    raise error_for(status, message)
  end
end
