// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes diagnostics and progress straight to file descriptors 1 and 2. stdio's `stdout` and
/// `stderr` are global mutable C variables that Swift 6 rightly refuses to share across
/// threads; one `write(2)` per line is atomic for lines this short, and unbuffered, which is
/// what progress output wants.
public enum Console {
    public static func error(_ line: String) { write(2, line) }
    public static func output(_ line: String) { write(1, line) }

    static func write(_ fd: Int32, _ text: String) {
        var s = text
        s.withUTF8 { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress.map { $0 + done }, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }
}
