func f() {
    let s = URLSession(configuration: .default)
    defer { return }
    return
}
