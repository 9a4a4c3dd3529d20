// SPDX-License-Identifier: Apache-2.0

/// The `Retry-After` response header (RFC 9110 10.2.3): a number of seconds or an HTTP-date.
///
/// A value that is negative, malformed or huge (over ``limit``) is treated as absent, as the
/// issue asks: a server's nonsense must neither stall a batch nor end a URL early.
public enum RetryAfter {
    /// Longer waits than this (a year) are nonsense and read as absent.
    public static let limit: Double = 31_536_000

    /// Seconds to wait from `now` (Unix time in seconds, for the HTTP-date form); nil for a
    /// value that is absent, malformed, negative or over ``limit``. A date in the past is 0.
    public static func seconds(_ value: String?, now: Double) -> Double? {
        guard let raw = value?.trimmingSpaces(), !raw.isEmpty else { return nil }
        if raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // Digits only: delay-seconds. More than 12 digits is over the limit anyway.
            guard raw.utf8.count <= 12, let n = Double(raw), n <= limit else { return nil }
            return n
        }
        guard let date = httpDate(raw) else { return nil }
        let wait = max(0, date - now)
        return wait <= limit ? wait : nil
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Unix time of an HTTP-date in any of its three forms (IMF-fixdate
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, asctime
    /// `Sun Nov  6 08:49:37 1994`); nil when it is none of them.
    static func httpDate(_ s: String) -> Double? {
        let tokens = s.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" })
            .map(String.init)
        guard tokens.count >= 5 else { return nil }
        var day: Int?, month: Int?, year: Int?, clock: [Int]?
        for t in tokens.dropFirst() {
            if t.contains(":") {
                let parts = t.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3, t.split(separator: ":").allSatisfy({ $0.count == 2 }) else { return nil }
                clock = parts
            } else if let m = months.firstIndex(of: t) {
                month = m + 1
            } else if let n = Int(t), t.count <= 4 {
                // In every form the day comes before the year.
                if day == nil {
                    day = n
                } else if year == nil {
                    year = t.count == 2 ? (n < 70 ? 2000 + n : 1900 + n) : n
                } else {
                    return nil
                }
            } else if t != "gmt" {
                return nil
            }
        }
        guard let d = day, let m = month, let y = year, let c = clock,
              (1...31).contains(d), y >= 1970, y <= 9999, c[0] < 24, c[1] < 60, c[2] < 61 else { return nil }
        return Double(daysFromCivil(y, m, d) * 86_400 + c[0] * 3600 + c[1] * 60 + c[2])
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
