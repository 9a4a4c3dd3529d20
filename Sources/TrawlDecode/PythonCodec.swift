// SPDX-License-Identifier: Apache-2.0

/// The Python 3 codecs that requests mode reproduces, by the name of their module in
/// Python's `encodings` package. Python's codecs are not WHATWG's: `iso8859_1` is real
/// Latin-1, `cp1252` leaves five bytes undefined, `utf_8` keeps a BOM as U+FEFF.
enum PythonCodec: String, Sendable, CaseIterable {
    case utf_8, utf_8_sig, utf_16, utf_16_le, utf_16_be, latin_1, ascii
    case cp1250, cp1251, cp1252, cp1253, cp1254, cp1255, cp1256, cp1257, cp1258, cp874, cp866
    case koi8_r, koi8_u, mac_roman, mac_cyrillic
    case iso8859_2, iso8859_3, iso8859_4, iso8859_5, iso8859_6, iso8859_7, iso8859_8, iso8859_9
    case iso8859_10, iso8859_11, iso8859_13, iso8859_14, iso8859_15, iso8859_16
    case cp437, cp850, cp852, cp855, cp857, cp858, cp860, cp861, cp862, cp863, cp864, cp865, cp869, cp737, cp775
    case cp1125, cp037, cp273, cp500, cp1026, cp1140, mac_latin2, ptcp154, kz1048, koi8_t, hp_roman8, tis_620
    case shift_jis, cp932, euc_jp, iso2022_jp, euc_kr, cp949, gb2312, gbk, gb18030, big5, big5hkscs
    case iso2022_kr, johab

    /// `codecs.lookup(name).name`: what requests mode reports as the charset.
    var pythonName: String {
        switch self {
        case .utf_8: return "utf-8"
        case .utf_8_sig: return "utf-8-sig"
        case .utf_16: return "utf-16"
        case .utf_16_le: return "utf-16-le"
        case .utf_16_be: return "utf-16-be"
        case .latin_1: return "iso8859-1"
        case .koi8_r: return "koi8-r"
        case .koi8_u: return "koi8-u"
        case .mac_roman: return "mac-roman"
        case .mac_cyrillic: return "mac-cyrillic"
        case .mac_latin2: return "mac-latin2"
        case .koi8_t: return "koi8-t"
        case .hp_roman8: return "hp-roman8"
        case .tis_620: return "tis-620"
        default:
            return rawValue.hasPrefix("iso8859_") ? rawValue.replacingUnderscoreWithHyphen : rawValue
        }
    }

    /// The glibc iconv converter behind a single-byte or CJK codec, and corrections where
    /// glibc 2.36 and Python 3.11 differ (found by comparing all 256 bytes; see the tests).
    var iconvSource: (name: String, singleByte: Bool, fixes: [(UInt8, UInt32)])? {
        switch self {
        case .utf_8, .utf_8_sig, .utf_16, .utf_16_le, .utf_16_be, .latin_1, .ascii: return nil
        case .cp874, .cp866, .cp1250, .cp1251, .cp1252, .cp1253, .cp1254, .cp1255, .cp1256, .cp1257, .cp1258:
            return (rawValue.uppercased(), true, [])
        case .cp437, .cp850, .cp852, .cp855, .cp857, .cp858, .cp860, .cp861, .cp862, .cp863, .cp864, .cp865,
             .cp869, .cp737, .cp775, .cp1125:
            return (rawValue.uppercased(), true, [])
        case .cp037, .cp500, .cp1140: return ("IBM" + rawValue.dropFirst(2), true, [])
        case .cp273: return ("IBM273", true, [(0xBC, 0x203E)])
        case .cp1026: return ("IBM1026", true, [(0x9D, 0x00B8), (0xBC, 0x00AF)])
        case .mac_latin2: return ("MAC-CENTRALEUROPE", true, [])
        case .ptcp154: return ("PT154", true, [])
        case .kz1048: return ("RK1048", true, [])
        case .koi8_t: return ("KOI8-T", true, [])
        case .hp_roman8: return ("HP-ROMAN8", true, [])
        // Python's TIS-620 passes the C1 controls through; glibc's rejects them.
        case .tis_620: return ("TIS-620", true, (0x80...0x9F).map { (UInt8($0), UInt32($0)) })
        case .koi8_r: return ("KOI8-R", true, [])
        case .koi8_u: return ("KOI8-U", true, [])
        case .mac_roman: return ("MACINTOSH", true, [(0xC6, 0x2206), (0xF0, 0xF8FF)])
        case .mac_cyrillic: return ("MAC-CYRILLIC", true, [(0xFF, 0x20AC)])
        case .iso8859_2, .iso8859_3, .iso8859_4, .iso8859_5, .iso8859_6, .iso8859_7, .iso8859_8, .iso8859_9,
             .iso8859_10, .iso8859_11, .iso8859_13, .iso8859_14, .iso8859_15, .iso8859_16:
            return ("ISO-8859-" + rawValue.dropFirst("iso8859_".count), true, [])
        case .shift_jis: return ("SHIFT_JIS", false, [])
        case .cp932: return ("CP932", false, [])
        case .euc_jp: return ("EUC-JP", false, [])
        case .iso2022_jp: return ("ISO-2022-JP", false, [])
        case .euc_kr: return ("EUC-KR", false, [])
        case .cp949: return ("CP949", false, [])
        case .gb2312: return ("GB2312", false, [])
        case .gbk: return ("GBK", false, [])
        case .gb18030: return ("GB18030", false, [])
        case .big5: return ("BIG5", false, [])
        case .big5hkscs: return ("BIG5-HKSCS", false, [])
        case .iso2022_kr: return ("ISO-2022-KR", false, [])
        case .johab: return ("JOHAB", false, [])
        }
    }

    /// Finds a codec as `codecs.lookup` does in CPython 3.11: the name normalised (ASCII
    /// lower case; every run of characters other than ASCII letters, digits and '.' becomes
    /// one '_', dropped at the ends), then `encodings.aliases`, then the module name.
    /// nil for a codec Python does not have or trawl does not reproduce.
    static func lookup(_ name: String) -> PythonCodec? {
        var normalized: [UInt8] = []
        var punct = false
        for byte in name.utf8 {
            let isAlnum = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isAlnum || byte == UInt8(ascii: ".") {
                if punct, !normalized.isEmpty { normalized.append(UInt8(ascii: "_")) }
                punct = false
                normalized.append(asciiLowercased(byte))
            } else {
                punct = true
            }
        }
        let key = String(decoding: normalized, as: UTF8.self)
        if let codec = pythonAliases[key] ?? pythonAliases[key.replacingDotWithUnderscore] {
            return codec
        }
        // A name with '.' is never imported as a module.
        return key.contains(".") ? nil : PythonCodec(rawValue: key)
    }
}

extension String {
    fileprivate var replacingUnderscoreWithHyphen: String {
        String(decoding: utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }

    fileprivate var replacingDotWithUnderscore: String {
        String(decoding: utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}

/// The entries of CPython 3.11's `encodings.aliases.aliases` whose codec trawl reproduces
/// (a test compares this table with python3's).
let pythonAliases: [String: PythonCodec] = {
    let table: [(PythonCodec, [String])] = [
        (.utf_8, ["cp65001", "u8", "utf", "utf8", "utf8_ucs2", "utf8_ucs4"]),
        (.utf_16, ["u16", "utf16"]),
        (.utf_16_le, ["unicodelittleunmarked", "utf_16le"]),
        (.utf_16_be, ["unicodebigunmarked", "utf_16be"]),
        (.latin_1, ["8859", "cp819", "csisolatin1", "ibm819", "iso8859", "iso8859_1", "iso_8859_1", "iso_8859_1_1987",
            "iso_ir_100", "l1", "latin", "latin1"]),
        (.ascii, ["646", "ansi_x3.4_1968", "ansi_x3.4_1986", "ansi_x3_4_1968", "cp367", "csascii", "ibm367",
            "iso646_us", "iso_646.irv_1991", "iso_ir_6", "us", "us_ascii"]),
        (.cp1250, ["1250", "windows_1250"]),
        (.cp1251, ["1251", "windows_1251"]),
        (.cp1252, ["1252", "windows_1252"]),
        (.cp1253, ["1253", "windows_1253"]),
        (.cp1254, ["1254", "windows_1254"]),
        (.cp1255, ["1255", "windows_1255"]),
        (.cp1256, ["1256", "windows_1256"]),
        (.cp1257, ["1257", "windows_1257"]),
        (.cp1258, ["1258", "windows_1258"]),
        (.cp866, ["866", "csibm866", "ibm866"]),
        (.koi8_r, ["cskoi8r"]),
        (.mac_roman, ["macintosh", "macroman"]),
        (.mac_cyrillic, ["maccyrillic"]),
        (.iso8859_2, ["csisolatin2", "iso_8859_2", "iso_8859_2_1987", "iso_ir_101", "l2", "latin2"]),
        (.iso8859_3, ["csisolatin3", "iso_8859_3", "iso_8859_3_1988", "iso_ir_109", "l3", "latin3"]),
        (.iso8859_4, ["csisolatin4", "iso_8859_4", "iso_8859_4_1988", "iso_ir_110", "l4", "latin4"]),
        (.iso8859_5, ["csisolatincyrillic", "cyrillic", "iso_8859_5", "iso_8859_5_1988", "iso_ir_144"]),
        (.iso8859_6, ["arabic", "asmo_708", "csisolatinarabic", "ecma_114", "iso_8859_6", "iso_8859_6_1987",
            "iso_ir_127"]),
        (.iso8859_7, ["csisolatingreek", "ecma_118", "elot_928", "greek", "greek8", "iso_8859_7", "iso_8859_7_1987",
            "iso_ir_126"]),
        (.iso8859_8, ["csisolatinhebrew", "hebrew", "iso_8859_8", "iso_8859_8_1988", "iso_ir_138"]),
        (.iso8859_9, ["csisolatin5", "iso_8859_9", "iso_8859_9_1989", "iso_ir_148", "l5", "latin5"]),
        (.iso8859_10, ["csisolatin6", "iso_8859_10", "iso_8859_10_1992", "iso_ir_157", "l6", "latin6"]),
        (.iso8859_11, ["iso_8859_11", "iso_8859_11_2001", "thai"]),
        (.iso8859_13, ["iso_8859_13", "l7", "latin7"]),
        (.iso8859_14, ["iso_8859_14", "iso_8859_14_1998", "iso_celtic", "iso_ir_199", "l8", "latin8"]),
        (.iso8859_15, ["iso_8859_15", "l9", "latin9"]),
        (.iso8859_16, ["iso_8859_16", "iso_8859_16_2001", "iso_ir_226", "l10", "latin10"]),
        (.cp437, ["437", "cspc8codepage437", "ibm437"]),
        (.cp850, ["850", "cspc850multilingual", "ibm850"]),
        (.cp852, ["852", "cspcp852", "ibm852"]),
        (.cp855, ["855", "csibm855", "ibm855"]),
        (.cp857, ["857", "csibm857", "ibm857"]),
        (.cp858, ["858", "csibm858", "ibm858"]),
        (.cp860, ["860", "csibm860", "ibm860"]),
        (.cp861, ["861", "cp_is", "csibm861", "ibm861"]),
        (.cp862, ["862", "cspc862latinhebrew", "ibm862"]),
        (.cp863, ["863", "csibm863", "ibm863"]),
        (.cp864, ["864", "csibm864", "ibm864"]),
        (.cp865, ["865", "csibm865", "ibm865"]),
        (.cp869, ["869", "cp_gr", "csibm869", "ibm869"]),
        (.cp775, ["775", "cspc775baltic", "ibm775"]),
        (.cp1125, ["1125", "cp866u", "ibm1125", "ruscii"]),
        (.cp037, ["037", "csibm037", "ebcdic_cp_ca", "ebcdic_cp_nl", "ebcdic_cp_us", "ebcdic_cp_wt", "ibm037",
            "ibm039"]),
        (.cp273, ["273", "csibm273", "ibm273"]),
        (.cp500, ["500", "csibm500", "ebcdic_cp_be", "ebcdic_cp_ch", "ibm500"]),
        (.cp1026, ["1026", "csibm1026", "ibm1026"]),
        (.cp1140, ["1140", "ibm1140"]),
        (.mac_latin2, ["mac_centeuro", "maccentraleurope", "maclatin2"]),
        (.ptcp154, ["cp154", "csptcp154", "cyrillic_asian", "pt154"]),
        (.kz1048, ["kz_1048", "rk1048", "strk1048_2002"]),
        (.hp_roman8, ["cp1051", "csHPRoman8", "ibm1051", "r8", "roman8"]),
        (.tis_620, ["iso_ir_166", "tis620", "tis_620_0", "tis_620_2529_0", "tis_620_2529_1"]),
        (.shift_jis, ["csshiftjis", "s_jis", "shiftjis", "sjis", "x_mac_japanese"]),
        (.cp932, ["932", "ms932", "ms_kanji", "mskanji"]),
        (.euc_jp, ["eucjp", "u_jis", "ujis"]),
        (.iso2022_jp, ["csiso2022jp", "iso2022jp", "iso_2022_jp"]),
        (.euc_kr, ["euckr", "korean", "ks_c_5601", "ks_c_5601_1987", "ks_x_1001", "ksc5601", "ksx1001", "x_mac_korean"]),
        (.cp949, ["949", "ms949", "uhc"]),
        (.gb2312, ["chinese", "csiso58gb231280", "euc_cn", "euccn", "eucgb2312_cn", "gb2312_1980", "gb2312_80",
            "iso_ir_58", "x_mac_simp_chinese"]),
        (.gbk, ["936", "cp936", "ms936"]),
        (.gb18030, ["gb18030_2000"]),
        (.big5, ["big5_tw", "csbig5", "x_mac_trad_chinese"]),
        (.big5hkscs, ["big5_hkscs", "hkscs"]),
        (.iso2022_kr, ["csiso2022kr", "iso2022kr", "iso_2022_kr"]),
        (.johab, ["cp1361", "ms1361"]),
    ]
    var aliases: [String: PythonCodec] = [:]
    for (codec, names) in table {
        for name in names { aliases[name] = codec }
    }
    return aliases
}()
