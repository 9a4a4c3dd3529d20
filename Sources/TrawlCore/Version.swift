// SPDX-License-Identifier: Apache-2.0

/// trawl's version. The C header repeats these numbers as `TRAWL_VERSION_*`; bindings compare
/// the header's with `trawl_version_num()` on load, as SQLite does with `sqlite3_libversion_number`.
public enum Version {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0

    /// `0xMMmmpp`, comparable with `<`, like `LIBCURL_VERSION_NUM`.
    public static let number: Int32 = Int32(major << 16 | minor << 8 | patch)

    /// `"0.1.0"`.
    public static let string = "\(major).\(minor).\(patch)"

    /// The default `User-Agent`: `trawl/0.1.0`.
    public static let userAgent = "trawl/\(string)"
}
