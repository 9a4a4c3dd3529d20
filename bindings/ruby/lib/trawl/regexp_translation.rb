# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

module Trawl
  # Turns a Ruby Regexp into trawl's syntax (Python `re`) with the same matches as Ruby's own
  # String#scan, or refuses it with UntranslatableRegex naming the pattern and the reason.
  #
  # What differs and how it is bridged: `^` and `$` are always line anchors in Ruby (`^` never
  # after a final newline); `\w \d \s` are ASCII-only (`\b` is not); `\h` is a hex digit;
  # `\z` is Python's `\Z` and Ruby's `\Z` allows a final newline; `m` means DOTALL and `x` is
  # stripped here (comments and blanks dropped); once a group is named, plain groups do not
  # capture; `(?i)` lasts to the end of its group; `X{n}+` repeats rather than being
  # possessive. Refused: POSIX brackets, `\p{...}`, nested classes and `&&`, `\G \K \R \X \g`,
  # control escapes, the absent operator, `/n`, and under `/i` characters whose case folding is
  # several characters (`ß`), which Ruby matches and Python does not.
  module RegexpTranslation
    FLAG_IGNORECASE = 2 # TRAWL_FLAG_IGNORECASE
    FLAG_DOTALL = 16    # TRAWL_FLAG_DOTALL

    OUT_ESCAPES = {
      "w" => '(?a:\w)', "W" => '(?a:\W)', "d" => '(?a:\d)', "D" => '(?a:\D)',
      "s" => '(?a:\s)', "S" => '(?a:\S)', "h" => "[0-9a-fA-F]", "H" => "[^0-9a-fA-F]",
      "z" => '\Z', "Z" => '(?=\n?\Z)', "e" => '\x1b',
    }.freeze
    CLASS_ESCAPES = { "w" => "a-zA-Z0-9_", "d" => "0-9", "s" => ' \t\n\v\f\r', "h" => "0-9a-fA-F",
                      "e" => '\x1b' }.freeze
    REFUSED = {
      "G" => "\\G (match start) has no equivalent in Python's re",
      "K" => "\\K (keep) has no equivalent in Python's re",
      "R" => "\\R (any line break) is not translated",
      "X" => "\\X (grapheme cluster) has no equivalent in Python's re",
      "g" => "\\g<...> subexpression calls have no equivalent in Python's re",
      "p" => "\\p{...} character properties have no equivalent in Python's re",
      "P" => "\\P{...} character properties have no equivalent in Python's re",
      "c" => "control escapes (\\cX) are not translated",
      "C" => "control escapes (\\C-X) are not translated",
      "M" => "meta escapes (\\M-X) are not translated",
    }.freeze
    PASS_LETTERS = "AbBafnrtv"
    Group = Struct.new(:extended, :extra_closes)

    # [source, flags] for trawl_options_add_pattern.
    def self.translate(name, regexp)
      new_state(name, regexp).run
    end

    def self.new_state(name, regexp)
      Translator.new(name, regexp)
    end

    # One translation: a cursor over the source and a stack of open groups.
    class Translator
      def initialize(name, regexp)
        @name = name
        @re = regexp
        @src = regexp.source.chars
        @i = 0
        @out = +""
        @named = !regexp.names.empty?
        @stack = [Group.new((regexp.options & Regexp::EXTENDED) != 0, 0)]
      end

      def run
        check_encoding
        check_folding if (@re.options & Regexp::IGNORECASE) != 0
        step while @i < @src.size
        refuse("unbalanced parentheses") if @stack.size != 1
        @out << (")" * @stack.last.extra_closes)
        flags = 0
        flags |= FLAG_IGNORECASE if (@re.options & Regexp::IGNORECASE) != 0
        flags |= FLAG_DOTALL if (@re.options & Regexp::MULTILINE) != 0
        [@out, flags]
      end

      private

      def refuse(reason)
        raise UntranslatableRegex.new("pattern #{@name.inspect} (#{@re.inspect}): #{reason}")
      end

      def check_encoding
        refuse("/n (ASCII-8BIT) regexps are not supported: trawl matches UTF-8 text") if
          (@re.options & Regexp::NOENCODING) != 0
        return if [Encoding::UTF_8, Encoding::US_ASCII].include?(@re.encoding)

        refuse("encoding #{@re.encoding} is not supported: trawl matches UTF-8 text")
      end

      def check_folding
        @src.each do |ch|
          next if ch.ord < 128 || ch.downcase(:fold).length == 1

          refuse("#{ch.inspect} folds to #{ch.downcase(:fold).inspect} under /i; Ruby matches " \
                 "multi-character case folding, Python's re does not")
        end
      end

      def peek(k = 0)
        @src[@i + k]
      end

      def take
        c = @src[@i]
        @i += 1
        c
      end

      def step
        c = take
        if @stack.last.extended && c.match?(/\s/)
          nil
        elsif @stack.last.extended && c == "#"
          take while @i < @src.size && peek != "\n"
        else
          case c
          when "\\" then @out << escape(false)
          when "[" then char_class
          when "(" then open_group
          when ")" then close_group
          when "^" then @out << '(?:\A|(?<=\n)(?!\Z))'
          when "$" then @out << '(?=\n|\Z)'
          when "{" then interval
          else @out << c
          end
        end
      end

      def interval
        rest = @src[@i..].join
        m = rest.match(/\A\d*,?\d*\}/)
        unless m && m[0] != "}" && m[0] != ",}"
          @out << "\\{"
          return
        end
        @i += m[0].size
        @out << "{" << m[0]
        refuse("X{n}+ repeats X{n} in Ruby but is possessive in Python; write (?:X{n})+") if peek == "+"
      end

      def open_group
        unless peek == "?"
          @out << (@named ? "(?:" : "(")
          return push(@stack.last.extended)
        end
        take
        c = peek
        case c
        when "#"
          take while @i < @src.size && take != ")"
        when ":", "=", "!", ">"
          take
          @out << "(?" << c
          push(@stack.last.extended)
        when "<", "'"
          named_group_or_lookbehind(c)
        when "~" then refuse("the absent operator (?~...) has no equivalent in Python's re")
        else inline_flags
        end
      end

      def named_group_or_lookbehind(c)
        take
        if c == "<" && ["=", "!"].include?(peek)
          @out << "(?<" << take
          return push(@stack.last.extended)
        end
        close = c == "<" ? ">" : "'"
        name = +""
        name << take while @i < @src.size && peek != close
        take
        @out << "(?P<" << name << ">"
        push(@stack.last.extended)
      end

      def inline_flags
        on = +""
        off = +""
        side = on
        while @i < @src.size && !%w[: )].include?(peek)
          ch = take
          case ch
          when "-" then side = off
          when "i", "m", "x" then side << ch
          else refuse("inline option (?#{ch}) has no equivalent in Python's re")
          end
        end
        refuse("unterminated inline options") if @i >= @src.size
        extended = @stack.last.extended
        extended = true if on.include?("x")
        extended = false if off.include?("x")
        py = ->(s) { s.delete("x").tr("m", "s") }
        head = "(?#{py.(on)}#{py.(off).empty? ? '' : "-#{py.(off)}"}:"
        head = "(?:" if head == "(?:" || head == "(?-:"
        @out << head
        if take == ":"
          push(extended)
        else
          # (?i) lasts to the end of the enclosing group: close the scoped group there.
          @stack.last.extra_closes += 1
          @stack.last.extended = extended
        end
      end

      def push(extended)
        @stack.push(Group.new(extended, 0))
      end

      def close_group
        refuse("unbalanced parentheses") if @stack.size == 1
        g = @stack.pop
        @out << (")" * g.extra_closes) << ")"
      end

      def char_class
        @out << "["
        @out << take if peek == "^"
        @out << "\\" << take if peek == "]"
        loop do
          refuse("unterminated character class") if @i >= @src.size
          c = take
          case c
          when "]" then break @out << "]"
          when "[" then refuse(peek == ":" ? "POSIX bracket classes ([:alpha:]) are Unicode-aware in Ruby and absent from Python's re" : "nested character classes have no equivalent in Python's re")
          when "\\" then @out << escape(true)
          when "&"
            refuse("class intersection (&&) has no equivalent in Python's re") if peek == "&"
            @out << c
          else @out << c
          end
        end
      end

      def escape(in_class)
        d = take
        refuse("trailing backslash") if d.nil?
        refuse(REFUSED[d]) if REFUSED[d]

        if in_class
          return CLASS_ESCAPES[d] if CLASS_ESCAPES[d]
          refuse("\\#{d} inside a character class is not translated") if "WDSH".include?(d)
        elsif OUT_ESCAPES[d]
          return OUT_ESCAPES[d]
        end
        case d
        when "k" then backref
        when "u" then unicode
        when "x"
          hex = +""
          hex << take while hex.size < 2 && peek&.match?(/\h/)
          refuse("\\x without hex digits") if hex.empty?
          format('\x%02x', hex.to_i(16))
        when /[0-9]/ then "\\#{d}"
        when /[A-Za-z]/
          refuse("\\#{d} is not translated") unless PASS_LETTERS.include?(d) || (in_class && d == "b")
          "\\#{d}"
        else "\\#{d}"
        end
      end

      def backref
        open = take
        close = { "<" => ">", "'" => "'" }[open]
        refuse("\\k must be followed by <name>") unless close
        name = +""
        name << take while @i < @src.size && peek != close
        take
        refuse("relative or level back-references (\\k<#{name}>) are not translated") unless name.match?(/\A\w+\z/)
        name.match?(/\A\d+\z/) ? "(?:\\#{name})" : "(?P=#{name})"
      end

      def unicode
        if peek == "{"
          take
          body = +""
          body << take while @i < @src.size && peek != "}"
          take
          return body.split.map { |h| format('\U%08x', h.to_i(16)) }.join
        end
        hex = @src[@i, 4].join
        refuse("\\u needs four hex digits") unless hex.match?(/\A\h{4}\z/)
        @i += 4
        "\\u#{hex}"
      end
    end
  end
end
