import Foundation

final class Downloader {
    let session = URLSession(configuration: .default)

    func start(_ url: URL) {
        session.dataTask(with: url).resume()
    }
}
