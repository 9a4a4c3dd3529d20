// SPDX-License-Identifier: Apache-2.0

/// The normalised form of a URL that decides whether two URLs fetch the same thing: the
/// WHATWG serialization (lowercase scheme and host, IDN to ASCII, default port dropped, dot
/// segments removed, the standard's percent-encoding) without the fragment, which is never
/// sent. Only http and https URLs have one; anything else is never merged with another.
public enum URLKey {
    /// The normalised URL, or nil for a URL that does not parse or is not http(s).
    public static func normalized(_ url: String) -> String? {
        guard let u = WebURL(url), u.scheme == "http" || u.scheme == "https" else { return nil }
        return u.serialized(fragment: false)
    }

    /// A stable 64-bit hash of `s` (FNV-1a): the same in every process, unlike `Hasher`.
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
