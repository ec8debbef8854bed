func f() throws {
    let s = URLSession(configuration: .default)
    defer { try s.g() }
    return
}
