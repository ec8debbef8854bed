//! Ordinary Swift app code: models with Codable, view models with async/await, extensions,
//! closures, switch/guard; and one big generated (protobuf-style) file.

use super::{fill, Rng, FIELDS, NOUNS};

/// A Swift file of about `target` lines, with no session API in it.
pub fn ordinary(rng: &mut Rng, noun: &str, id: usize, target: usize) -> String {
    let mut out = String::from("import Foundation\nimport Combine\n\n");
    let mut part = 0;
    while out.lines().count() < target {
        let name = format!("{noun}{id}x{part}");
        let block = match rng.below(6) {
            0 => model(rng, &name),
            1 => view_model(rng, &name, noun),
            2 => state_enum(rng, &name),
            3 => extension(rng, &name),
            4 => protocol_and_service(&name),
            _ => view(rng, &name),
        };
        out.push_str(&block);
        out.push('\n');
        part += 1;
    }
    out
}

fn model(rng: &mut Rng, name: &str) -> String {
    let count = rng.range(3, 9);
    let start = rng.below(FIELDS.len());
    let fields: Vec<(&str, &str)> = (0..count)
        .map(|i| FIELDS[(start + i) % FIELDS.len()])
        .collect();
    let mut out = format!("/// A {name} as the server sends it.\nstruct {name}Model: Codable, Equatable, Hashable {{\n");
    for (field, ty) in &fields {
        out.push_str(&format!("    var {field}: {ty}\n"));
    }
    out.push_str("\n    enum CodingKeys: String, CodingKey {\n");
    for (field, _) in &fields {
        out.push_str(&format!("        case {field} = \"{}\"\n", snake(field)));
    }
    out.push_str("    }\n\n");
    out.push_str("    init(from decoder: Decoder) throws {\n");
    out.push_str("        let container = try decoder.container(keyedBy: CodingKeys.self)\n");
    for (field, ty) in &fields {
        let decode = if ty.ends_with('?') {
            format!("decodeIfPresent({}.self", ty.trim_end_matches('?'))
        } else {
            format!("decode({ty}.self")
        };
        out.push_str(&format!(
            "        {field} = try container.{decode}, forKey: .{field})\n"
        ));
    }
    out.push_str("    }\n}\n");
    out
}

fn view_model(rng: &mut Rng, name: &str, noun: &str) -> String {
    let other = rng.pick(NOUNS);
    let template = r#"@MainActor
final class $NViewModel: ObservableObject {
    @Published private(set) var items: [$NItem] = []
    @Published var query: String = ""
    @Published private(set) var isLoading = false
    @Published var errorMessage: String?
    private let repository: $NRepository
    private var cancellables = Set<AnyCancellable>()

    init(repository: $NRepository) {
        self.repository = repository
        $query
            .debounce(for: .milliseconds(300), scheduler: RunLoop.main)
            .removeDuplicates()
            .sink { [weak self] text in
                guard let self = self else { return }
                Task { await self.search(text) }
            }
            .store(in: &cancellables)
    }

    func load() async {
        guard !isLoading else { return }
        isLoading = true
        defer { isLoading = false }
        do {
            let fetched = try await repository.fetchAll(limit: $LIMIT)
            items = fetched
                .filter { !$0.title.isEmpty }
                .sorted { lhs, rhs in lhs.position < rhs.position }
        } catch let error as DecodingError {
            errorMessage = "Could not read $O data: \(error.localizedDescription)"
        } catch {
            errorMessage = error.localizedDescription
        }
    }

    func search(_ text: String) async {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 2 else {
            await load()
            return
        }
        let matches = items.filter { item in
            item.title.localizedCaseInsensitiveContains(trimmed)
                || (item.subtitle ?? "").localizedCaseInsensitiveContains(trimmed)
        }
        items = matches.isEmpty ? items : matches
    }

    func toggleFavorite(at index: Int) {
        guard items.indices.contains(index) else { return }
        var item = items[index]
        item.isFavorite.toggle()
        items[index] = item
        Task.detached(priority: .background) { [repository] in
            try? await repository.save(item)
        }
    }

    var groupedByDay: [Date: [$NItem]] {
        Dictionary(grouping: items) { item in
            Calendar.current.startOfDay(for: item.createdAt)
        }
    }
}

struct $NItem: Identifiable, Codable, Hashable {
    let id: UUID
    var title: String
    var subtitle: String?
    var position: Int
    var createdAt: Date
    var isFavorite: Bool
}

protocol $NRepository: Sendable {
    func fetchAll(limit: Int) async throws -> [$NItem]
    func save(_ item: $NItem) async throws
}
"#;
    let limit = rng.range(10, 200).to_string();
    fill(
        template,
        &[
            ("$N", name),
            ("$LIMIT", &limit),
            ("$O", &format!("{noun}{other}")),
        ],
    )
}

fn state_enum(rng: &mut Rng, name: &str) -> String {
    let cases = ["idle", "loading", "loaded", "failed", "empty", "refreshing"];
    let n = rng.range(3, cases.len());
    let mut out = format!("enum {name}State: Equatable {{\n");
    for (i, case) in cases.iter().take(n).enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("    case {case}(message: String, code: Int)\n"));
        } else {
            out.push_str(&format!("    case {case}\n"));
        }
    }
    out.push_str("\n    var title: String {\n        switch self {\n");
    for (i, case) in cases.iter().take(n).enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!(
                "        case .{case}(let message, let code) where code > 0:\n            return \"\\(message) (\\(code))\"\n        case .{case}(let message, _):\n            return message\n"
            ));
        } else {
            out.push_str(&format!(
                "        case .{case}:\n            return \"{case}\"\n"
            ));
        }
    }
    out.push_str("        }\n    }\n\n");
    out.push_str(&format!(
        "    func next(after event: {name}Event) -> {name}State {{\n        switch (self, event) {{\n        case (.idle, .start):\n            return .loading\n        case (_, .reset):\n            return .idle\n        default:\n            return self\n        }}\n    }}\n}}\n\nenum {name}Event {{\n    case start, reset, finish(Result<Int, Error>)\n}}\n"
    ));
    out
}

fn extension(rng: &mut Rng, name: &str) -> String {
    let template = r#"extension Array where Element == $NModelRow {
    func $lsorted(ascending: Bool = true) -> [Element] {
        sorted { ascending ? $0.rank < $1.rank : $0.rank > $1.rank }
    }

    func $lchunks(of size: Int) -> [[Element]] {
        guard size > 0 else { return [self] }
        return stride(from: 0, to: count, by: size).map { start in
            Array(self[start..<Swift.min(start + size, count)])
        }
    }
}

struct $NModelRow: Hashable {
    var rank: Int
    var label: String
    var weight: Double = $W
}

extension String {
    var $lSlug: String {
        lowercased()
            .components(separatedBy: CharacterSet.alphanumerics.inverted)
            .filter { !$0.isEmpty }
            .joined(separator: "-")
    }

    func $lTruncated(to length: Int, trailing: String = "…") -> String {
        count > length ? String(prefix(length)) + trailing : self
    }
}

extension Date {
    func $lDaysUntil(_ other: Date) -> Int {
        let components = Calendar.current.dateComponents([.day], from: self, to: other)
        return components.day ?? 0
    }
}
"#;
    let lower = lower_first(name);
    let weight = format!("{}.{}", rng.below(10), rng.below(100));
    fill(template, &[("$N", name), ("$l", &lower), ("$W", &weight)])
}

fn protocol_and_service(name: &str) -> String {
    let template = r#"protocol $NStoring {
    associatedtype Value: Codable
    func value(forKey key: String) -> Value?
    mutating func set(_ value: Value?, forKey key: String)
}

struct $NMemoryStore<Value: Codable>: $NStoring {
    private var storage: [String: Value] = [:]
    private let limit: Int

    init(limit: Int = 64) {
        self.limit = limit
    }

    func value(forKey key: String) -> Value? {
        storage[key]
    }

    mutating func set(_ value: Value?, forKey key: String) {
        if storage.count >= limit, let first = storage.keys.sorted().first {
            storage.removeValue(forKey: first)
        }
        storage[key] = value
    }
}

final class $NCoordinator {
    private var children: [String: () -> Void] = [:]
    weak var parent: $NCoordinator?

    func register(_ route: String, action: @escaping () -> Void) {
        children[route] = action
    }

    func open(_ route: String) -> Bool {
        guard let action = children[route] else {
            return parent?.open(route) ?? false
        }
        DispatchQueue.main.async {
            action()
        }
        return true
    }

    func retry<T>(times: Int, _ body: () throws -> T) rethrows -> T? {
        for attempt in 0..<times {
            do {
                return try body()
            } catch where attempt < times - 1 {
                continue
            }
        }
        return nil
    }
}
"#;
    fill(template, &[("$N", name)])
}

fn view(rng: &mut Rng, name: &str) -> String {
    let template = r#"import SwiftUI

struct $NView: View {
    @StateObject private var model = $NScreenModel()
    @State private var isPresented = false
    let title: String

    var body: some View {
        NavigationStack {
            List {
                ForEach(model.rows, id: \.self) { row in
                    HStack(spacing: $S) {
                        Text(row.label)
                            .font(.headline)
                        Spacer()
                        if row.count > 0 {
                            Text("\(row.count)")
                                .foregroundStyle(.secondary)
                        }
                    }
                    .contentShape(Rectangle())
                    .onTapGesture { model.select(row) }
                }
                .onDelete { offsets in model.remove(at: offsets) }
            }
            .navigationTitle(title)
            .toolbar {
                ToolbarItem(placement: .primaryAction) {
                    Button("Add") { isPresented = true }
                }
            }
            .sheet(isPresented: $isPresented) {
                Text("New")
            }
            .task { await model.refresh() }
        }
    }
}

final class $NScreenModel: ObservableObject {
    struct Row: Hashable {
        var label: String
        var count: Int
    }

    @Published var rows: [Row] = []
    @Published var selected: Row?

    func select(_ row: Row) {
        selected = row
    }

    func remove(at offsets: IndexSet) {
        rows.remove(atOffsets: offsets)
    }

    func refresh() async {
        try? await Task.sleep(nanoseconds: 1_000_000)
        rows = (0..<$C).map { Row(label: "Row \($0)", count: $0 % 7) }
    }
}
"#;
    let spacing = rng.range(2, 16).to_string();
    let count = rng.range(5, 40).to_string();
    fill(template, &[("$N", name), ("$S", &spacing), ("$C", &count)])
}

/// A swift-protobuf style generated file of about `bytes` bytes.
pub fn generated_protobuf(bytes: usize) -> String {
    let mut out = String::from(
        "// DO NOT EDIT.\n// swift-format-ignore-file\n//\n// Generated by the Swift generator plugin for the protocol buffer compiler.\n// Source: api/v1/models.proto\n\nimport Foundation\nimport SwiftProtobuf\n\nfileprivate let _protobuf_package = \"api.v1\"\n\n",
    );
    let mut i = 0;
    while out.len() < bytes {
        let fields: Vec<(&str, &str)> = (0..8).map(|k| FIELDS[(i + k) % FIELDS.len()]).collect();
        out.push_str(&format!("struct Api_V1_Message{i}: Sendable {{\n"));
        for (n, (field, _)) in fields.iter().enumerate() {
            let (ty, default) = proto_type(n);
            out.push_str(&format!("  var {field}: {ty} = {default}\n\n"));
        }
        out.push_str("  var unknownFields = SwiftProtobuf.UnknownStorage()\n\n  init() {}\n}\n\n");
        out.push_str(&format!(
            "extension Api_V1_Message{i}: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase, SwiftProtobuf._ProtoNameProviding {{\n  static let protoMessageName: String = _protobuf_package + \".Message{i}\"\n  static let _protobuf_nameMap: SwiftProtobuf._NameMap = [\n"
        ));
        for (n, (field, _)) in fields.iter().enumerate() {
            out.push_str(&format!(
                "    {}: .same(proto: \"{}\"),\n",
                n + 1,
                snake(field)
            ));
        }
        out.push_str("  ]\n\n  mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {\n    while let fieldNumber = try decoder.nextFieldNumber() {\n      switch fieldNumber {\n");
        for (n, (field, _)) in fields.iter().enumerate() {
            out.push_str(&format!(
                "      case {}: try {{ try decoder.decodeSingular{}Field(value: &self.{field}) }}()\n",
                n + 1,
                proto_kind(n)
            ));
        }
        out.push_str("      default: break\n      }\n    }\n  }\n\n  func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {\n");
        for (n, (field, _)) in fields.iter().enumerate() {
            let (_, default) = proto_type(n);
            out.push_str(&format!(
                "    if self.{field} != {default} {{\n      try visitor.visitSingular{}Field(value: self.{field}, fieldNumber: {})\n    }}\n",
                proto_kind(n),
                n + 1
            ));
        }
        out.push_str("    try unknownFields.traverse(visitor: &visitor)\n  }\n\n");
        out.push_str(&format!(
            "  static func ==(lhs: Api_V1_Message{i}, rhs: Api_V1_Message{i}) -> Bool {{\n"
        ));
        for (field, _) in &fields {
            out.push_str(&format!(
                "    if lhs.{field} != rhs.{field} {{return false}}\n"
            ));
        }
        out.push_str("    if lhs.unknownFields != rhs.unknownFields {return false}\n    return true\n  }\n}\n\n");
        i += 1;
    }
    out
}

fn proto_type(n: usize) -> (&'static str, &'static str) {
    match n % 4 {
        0 => ("Int32", "0"),
        1 => ("String", "String()"),
        2 => ("Bool", "false"),
        _ => ("Double", "0"),
    }
}

fn proto_kind(n: usize) -> &'static str {
    match n % 4 {
        0 => "Int32",
        1 => "String",
        2 => "Bool",
        _ => "Double",
    }
}

pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
