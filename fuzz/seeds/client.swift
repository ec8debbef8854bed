import Foundation

final class APIClient: NSObject, URLSessionDelegate {
    private var session: URLSession?
    lazy var background = URLSession(configuration: .background(withIdentifier: "x"), delegate: self, delegateQueue: nil)
    static let shared = APIClient()

    init(config: URLSessionConfiguration = .default) {
        super.init()
        session = URLSession(configuration: config, delegate: self, delegateQueue: nil)
    }

    func fetch(_ url: URL) async throws -> Data {
        let s = URLSession(configuration: .ephemeral)
        defer { s.finishTasksAndInvalidate() }
        guard url.scheme == "https" else { throw URLError(.badURL) }
        let (data, _) = try await s.data(from: url)
        return data
    }

    func reset() {
        session?.invalidateAndCancel()
        session = URLSession(configuration: .default)
        for u in [URL(string: "a")!] {
            let t = URLSession(configuration: .default)
            t.dataTask(with: u) { [weak self] d, r, e in self?.handle(d) }.resume()
            if d == nil { continue } else { break }
        }
        switch mode {
        case .a: URLSession.shared.invalidateAndCancel()
        case .b(let x) where x > 0: return
        default: break
        }
        repeat { i += 1 } while i < 10
        do { try work() } catch let e as URLError { print(e) } catch { }
    }

    deinit { session?.invalidateAndCancel() }
}

func makeSession() -> URLSession { URLSession(configuration: .default) }
func cleanup(_ s: URLSession) { s.invalidateAndCancel() }
let global = makeSession()
var computed: URLSession { get { URLSession(configuration: .default) } }
extension APIClient { func more() { let s = makeSession(); cleanup(s); s.dataTask(with: url) } }
