# SPDX-License-Identifier: Apache-2.0
# frozen_string_literal: true

require_relative "helper"

# Ruby Regexps run by trawl give what String#scan gives (a group that did not take part is ""
# rather than nil), or are refused with the pattern and the reason.
class RegexpTranslationTest < Minitest::Test
  TEXTS = [
    "", "\n", "a\nb\n", "a\nb", "x\r\ny\r\n", "line one\n  line two\nlast line",
    "ÀÉ é É ß ss SS straße STRASSE", "Kelvin \u212A k K ſ s", "٣٤ 12 ab_9 ç\u00a0x\v\fz",
    "deadBEEF 0x1f #a0b1c2 hex", "<title>\nMulti\n</title><TITLE>x</TITLE>", "aaa bbb aaa",
  ].freeze

  SCANNED = [
    /^/, /$/, /^$/, /^.*$/, /\A.|.\z/, /.\Z/, /\w+/, /\W+/, /\d+/, /\D/, /\s+/, /\S+/, /\h+/, /\H+/,
    /[\w]+/, /[\d\s]+/, /[\h]+/, /[^\w\s]+/, /\bs\w*/, /\Bs/, /é/i, /[a-z]+/i, /k/i, /s/i, /É+/i,
    /<title>(.*?)<\/title>/m, /<title>(.*?)<\/title>/im, /(a)(b)?/, /(?<x>a)(b)?/, /(?<x>a+) \k<x>/,
    /(\w)\1/, /a{2}/, /a{,2}/, /x(?=y)|(?<=\n)y/, /(?i)title/, /t(?i)itle/, /(?m:.)+/, /(?x) a  b # c
      /, /a
      b/x, /[ ]/x, /\u00e9|\u{1F600 41}/, /\x41|\e|\t/, /(?>a+)a?/, /a++|b*+/, /[\]\-]/, /\//,
    /(?:a|b)+/, /(?#comment)a/, /\n/, /./, /.+/m,
  ].freeze

  def scan(text, re)
    text.scan(re).map { |m| m.is_a?(Array) ? m.map { |g| g || "" } : m }
  end

  def test_translated_regexps_give_what_string_scan_gives
    SCANNED.each do |re|
      crawler = Trawl::Crawler.new(default_patterns: false, patterns: { p: re })
      TEXTS.each do |text|
        assert_equal scan(text, re), crawler.extract(text)[:p], "#{re.inspect} on #{text.inspect}"
      end
    ensure
      crawler&.close
    end
  end

  REFUSED = {
    /[[:alpha:]]/ => "POSIX bracket", /\p{L}/ => "character properties", /[a-z&&[^aeiou]]/ => "intersection",
    /[a&&b]/ => "intersection", /\Gx/ => "\\G", /a\Kb/ => "\\K", /\R/ => "\\R", /\X/ => "\\X",
    /(?<a>x)\g<a>/ => "subexpression", Regexp.new('\\cA') => "control", /(?~abc)/ => "absent operator",
    /a{2}+/ => "X{n}+", /ß/i => "folds to", /[\W]/ => "inside a character class",
    /x/n => "ASCII-8BIT", /(?a)x/ => "inline option", Regexp.new('(a)\\k<-1>') => "relative",
  }.freeze

  def test_untranslatable_regexps_are_refused_naming_pattern_and_reason
    REFUSED.each do |re, reason|
      e = assert_raises(Trawl::UntranslatableRegex, re.inspect) { Trawl::Crawler.new(patterns: { mine: re }) }
      assert_includes e.message, reason, re.inspect
      assert_includes e.message, "mine"
      assert_includes e.message, re.inspect
    end
  end

  def test_flags
    assert_equal ['(?a:\w)', 18], Trawl::RegexpTranslation.translate("p", /\w/im)
    assert_equal ["ab", 0], Trawl::RegexpTranslation.translate("p", /a b # c/x)
  end
end
