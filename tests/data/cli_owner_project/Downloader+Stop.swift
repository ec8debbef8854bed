import Foundation

extension Downloader {
    func stop() {
        session.invalidateAndCancel()
    }
}
