import Foundation

func fetch(_ url: URL) {
    let session = URLSession(configuration: .ephemeral)
    session.dataTask(with: url).resume()
}

func fetchOnce(_ url: URL) {
    // sessionlint:disable-next-line SL001 -- called once per launch
    let session = URLSession(configuration: .ephemeral)
    session.dataTask(with: url).resume()
}

func fetchShared(_ url: URL) {
    // sessionlint:disable-next-line SL001
    URLSession.shared.dataTask(with: url).resume()
}
