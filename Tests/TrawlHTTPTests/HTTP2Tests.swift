// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization
import Testing
import TrawlCore
import TrawlHTTP
import TrawlTestSupport

/// HTTP/2 through a real nginx on loopback (TLS + ALPN h2), when nginx is installed: the
/// Python test server speaks HTTP/1.1 only.
@Suite struct HTTP2Tests {
    static let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// Debian's libnginx-mod-http-echo (`make deps` installs it): `echo_sleep` holds each
    /// response, so that transfers pile up at once.
    static let echoModule = ["/usr/lib/nginx/modules/ngx_http_echo_module.so"].first {
        FileManager.default.fileExists(atPath: $0)
    }

    /// Starts nginx serving the generated site over HTTPS + HTTP/2 on a free loopback port.
    private func startNginx(sleeping: Bool = false) throws -> (Process, Int, String) {
        let server = TestServer.shared
        let cert = try #require(server.caFile), key = try #require(server.keyFile)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("trawl-nginx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let port = TestServer.closedPort()
        let echo = sleeping ? "load_module \(try #require(Self.echoModule));" : ""
        let sleep = sleeping ? "location = /sleep { echo_sleep 0.2; echo slept; }" : ""
        let conf = """
            \(echo)
            daemon off; master_process off; worker_processes 1;
            pid \(dir)/nginx.pid; error_log \(dir)/error.log;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path \(dir); proxy_temp_path \(dir); fastcgi_temp_path \(dir);
              uwsgi_temp_path \(dir); scgi_temp_path \(dir);
              server {
                listen 127.0.0.1:\(port) ssl http2;
                ssl_certificate \(cert); ssl_certificate_key \(key);
                root \(Site.directory);
                default_type text/html;
                location = /proto { default_type text/plain; return 200 "$server_protocol $connection"; }
                \(sleep)
              }
            }
            """
        try conf.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.nginx))
        process.arguments = ["-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when it accepts connections (at most ~5 s).
        for _ in 0..<100 {
            if canConnect(port) { return (process, port, dir) }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw TestServerError(message: "nginx did not start: "
            + ((try? String(contentsOfFile: dir + "/error.log", encoding: .utf8)) ?? ""))
    }

    /// SIGKILL, by its pid: children spawned from test threads inherit a signal mask that
    /// blocks SIGTERM (measured: nginx ignored Process.terminate()).
    private func stop(_ process: Process, _ dir: String) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func canConnect(_ port: Int) -> Bool {
        guard let fd = LoopbackSocket.connect(port: port) else { return false }
        close(fd)
        return true
    }

    @Test(.enabled(if: nginx != nil && TestServer.shared.caFile != nil))
    func multiplexesOverOneHTTP2Connection() throws {
        let (process, port, dir) = try startNginx()
        defer { stop(process, dir) }
        var options = CrawlOptions()
        options.caBundle = TestServer.shared.caFile
        let base = "https://127.0.0.1:\(port)"
        let pages = Array(Site.names.prefix(20))
        let urls = Array(repeating: base + "/proto", count: 10) + pages.map { base + "/" + $0 }
        let responses = try fetch(urls, options: options, inFlight: 30)
        for response in responses {
            #expect(response.error == nil, "\(response.url): \(String(describing: response.error))")
        }
        let protocols = responses.prefix(10).map { $0.text }
        #expect(protocols.allSatisfy { $0.hasPrefix("HTTP/2.0 ") }, "\(protocols)")
        // nginx's $connection is the connection's serial number: one number, one connection.
        #expect(Set(protocols).count == 1, "\(protocols)")
        for (page, response) in zip(pages, responses.dropFirst(10)) {
            #expect(response.body == Site.bytes(page), "\(page) differs over HTTP/2")
        }
    }

    /// A host that answered over HTTP/2 takes its transfers as streams: more than
    /// per_host_connections at once (up to per_host_streams), adaptive or pinned. Seen in the
    /// host table, which counts what runs on the host.
    @Test(.enabled(if: nginx != nil && echoModule != nil && TestServer.shared.caFile != nil),
          arguments: [0, 64])
    func aHostThatAnswersOverHTTP2GetsMoreThanItsConnections(concurrency: Int) throws {
        let (process, port, dir) = try startNginx(sleeping: true)
        defer { stop(process, dir) }
        var options = CrawlOptions()
        options.caBundle = TestServer.shared.caFile
        options.concurrency = concurrency
        options.perHostStreams = 40
        let fetchOptions = FetchOptions(options)
        let policy = HostPolicy(fetchOptions)
        let lane = try FetchLane(options: fetchOptions, hosts: policy)
        let host = "127.0.0.1:\(port)"
        let peak = Mutex(0)
        let done = Flag()
        let sampler = Thread {
            while !done.isRaised {
                let n = policy.running(host: host)
                peak.withLock { $0 = max($0, n) }
                usleep(2_000)
            }
        }
        sampler.start()
        let urls = (0..<200).map { "https://\(host)/sleep?\($0)" }
        var cursor = 0, ok = 0
        lane.run(inFlight: 200, next: {
            guard cursor < urls.count else { return .finished }
            defer { cursor += 1 }
            return .request(FetchRequest(index: cursor, url: urls[cursor]))
        }, isCancelled: { false }, complete: { response in
            if response.status == 200 && response.error == nil { ok += 1 }
        })
        done.raise()
        let most = peak.withLock { $0 }
        #expect(ok == 200)
        #expect(most > 8, "at most \(most) transfers at once on an HTTP/2 host")
        #expect(most <= 40, "per_host_streams 40: \(most) at once")
    }
}
