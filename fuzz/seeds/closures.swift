struct S { let s = URLSession(configuration: .default); var p: Int = 0 { didSet { print(oldValue) } } }
let c: (URLSession) -> Void = { $0.invalidateAndCancel() }
func f() -> Result<(), Error> { .success(()) }
protocol P { associatedtype X: A, B }
#if DEBUG
let d = URLSession(configuration: URLSessionConfiguration.default)
#endif
func g(x: Int?) { if let x, x > 0 { _ = x } ; let y = x ?? 0; _ = try? h(); _ = try! h() }
actor A { var s: URLSession! ; func go() async { await Task { s.invalidateAndCancel() }.value } }
