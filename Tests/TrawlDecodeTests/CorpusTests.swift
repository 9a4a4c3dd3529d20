// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
@testable import TrawlDecode
import TrawlTestSupport

/// For every corpus page, python3's answer: "name\tcharset\tlength\n" then the text's UTF-8,
/// or a length of -1 where the browser-equivalent decoding is not clear-cut in Python.
private let corpusOracle = """
import os, re, sys
d = sys.argv[1]
out = sys.stdout.buffer
meta = re.compile(rb'<meta[^>]+charset\\s*=\\s*["\\']?\\s*([a-z0-9_-]+)', re.I)
for name in sorted(os.listdir(d)):
    b = open(os.path.join(d, name), 'rb').read()
    if sys.argv[2] == 'requests':
        t = b.decode('iso-8859-1').encode('utf-8')
        out.write(b'%s\\tiso8859-1\\t%d\\n' % (name.encode(), len(t)) + t)
        continue
    m = meta.search(b[:1024])
    label = m.group(1).decode().lower() if m else 'utf-8'
    if b.startswith(b'\\xef\\xbb\\xbf'):
        t = b[3:].decode('utf-8', 'replace').encode('utf-8')
    elif label in ('utf-8', 'utf8'):
        t = b.decode('utf-8', 'replace').encode('utf-8')
    else:
        out.write(b'%s\\t%s\\t-1\\n' % (name.encode(), label.encode()))
        continue
    out.write(b'%s\\tutf-8\\t%d\\n' % (name.encode(), len(t)) + t)
"""

private struct Expected {
    var name: String
    var charset: String
    var text: [UInt8]?
}

private func expectations(_ mode: String) throws -> [Expected] {
    let dir = corpusDirectory().path
    let output = try runPython(corpusOracle.replacingOccurrences(of: "sys.argv[1]", with: "'\(dir)'")
        .replacingOccurrences(of: "sys.argv[2]", with: "'\(mode)'"))
    var result: [Expected] = []
    var i = 0
    while i < output.count {
        guard let newline = output[i...].firstIndex(of: 0x0A) else { break }
        let fields = String(decoding: output[i..<newline], as: UTF8.self).split(separator: "\t")
        let length = Int(fields[2]) ?? -1
        i = newline + 1
        var text: [UInt8]? = nil
        if length >= 0 {
            text = Array(output[i..<i + length])
            i += length
        }
        result.append(Expected(name: String(fields[0]), charset: String(fields[1]), text: text))
    }
    return result
}

@Suite struct Corpus {
    @Test(.enabled(if: TrawlTestSupport.Corpus.isPresent,
                   "needs the readability corpus (../shared/corpus/readability or TRAWL_CORPUS)"),
          arguments: [DecodeMode.browser, DecodeMode.requests])
    func everyPageAsNginxServesIt(_ mode: DecodeMode) throws {
        let expected = try expectations(mode.rawValue)
        #expect(expected.count == 130)
        var compared = 0
        for page in expected {
            let url = corpusDirectory().appendingPathComponent(page.name)
            let body = [UInt8](try Data(contentsOf: url))
            let decoded = BodyDecoder.decode(body, contentType: "text/html", mode: mode)
            if let text = page.text {
                compared += 1
                #expect(decoded.charset == page.charset, "\(page.name)")
                #expect(Array(decoded.text.utf8) == text, "\(page.name)")
            } else {
                // A declared legacy charset (qq.html says gb2312 but holds UTF-8): the charset
                // must be the WHATWG one, and the text must be what that decoder gives.
                let encoding = try #require(WebEncoding.forLabel(page.charset), "\(page.name)")
                #expect(decoded.charset == encoding.rawValue, "\(page.name)")
                #expect(!decoded.text.isEmpty)
            }
        }
        #expect(compared >= 129)
    }
}
