//! Session code in the shapes of SEMANTICS.md: the bug patterns and the correct code that
//! must stay silent, per language, plus the ordinary-file uses of names they define.
//! The comment after each shape says what a correct analysis reports there.

use super::{fill, CrossRef};

/// Swift session shapes.
pub const SWIFT_SHAPES: usize = 16;

/// The Swift code of session shape `shape` (numbered modulo [`SWIFT_SHAPES`]).
pub fn swift(shape: usize, id: usize) -> (String, Vec<CrossRef>) {
    let k = id.to_string();
    let mut refs = Vec::new();
    // Names used across files come first, so that small corpora have them too.
    const ORDER: [usize; SWIFT_SHAPES] = [13, 0, 6, 3, 14, 5, 9, 8, 1, 10, 2, 7, 4, 11, 12, 15];
    let template = match ORDER[shape % SWIFT_SHAPES] {
        // SL001: session per request.
        0 => {
            r#"final class ReportUploader$K {
    func upload(_ data: Data, to url: URL) {
        let session = URLSession(configuration: .ephemeral)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        session.uploadTask(with: request, from: data) { _, _, error in
            if let error = error {
                print("upload failed: \(error)")
            }
        }.resume()
    }
}
"#
        }
        // SL001: chained creation.
        1 => {
            r#"func pingServer$K(_ url: URL) {
    URLSession(configuration: .default).dataTask(with: url) { data, _, _ in
        print(data?.count ?? 0)
    }.resume()
}
"#
        }
        // SL001: async/await.
        2 => {
            r#"func fetchAvatar$K(from url: URL) async throws -> Data {
    let (data, _) = try await URLSession(configuration: .ephemeral).data(from: url)
    return data
}
"#
        }
        // SL002: early exit skips the invalidation.
        3 => {
            r#"func syncInbox$K(path: String) {
    let session = URLSession(configuration: .default)
    guard let url = URL(string: path) else { return }
    session.dataTask(with: url) { _, _, _ in }.resume()
    session.finishTasksAndInvalidate()
}
"#
        }
        // SL001 in a loop.
        4 => {
            r#"func prefetchThumbnails$K(_ urls: [URL]) {
    for url in urls {
        let session = URLSession(configuration: .ephemeral)
        session.dataTask(with: url).resume()
    }
}
"#
        }
        // SL004: delegate cycle, invalidated only in deinit.
        5 => {
            r#"final class DownloadManager$K: NSObject, URLSessionDataDelegate {
    lazy var session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)

    func start(_ url: URL) {
        session.dataTask(with: url).resume()
    }

    deinit {
        session.invalidateAndCancel()
    }
}
"#
        }
        // SL003: stored, never invalidated, per instance (used per instance elsewhere).
        6 => {
            refs.push(CrossRef::SwiftOwner {
                ty: format!("ApiClient{k}"),
                singleton: false,
            });
            r#"final class ApiClient$K {
    private let session: URLSession

    init(configuration: URLSessionConfiguration = .default) {
        session = URLSession(configuration: configuration)
    }

    func get(_ url: URL, completion: @escaping (Data?) -> Void) {
        session.dataTask(with: url) { data, _, _ in completion(data) }.resume()
    }
}
"#
        }
        // SL005: replaced without invalidating the old one.
        7 => {
            r#"final class SessionHolder$K {
    private var session = URLSession(configuration: .default)

    func reset() {
        session = URLSession(configuration: .ephemeral)
    }

    func stop() {
        session.invalidateAndCancel()
    }
}
"#
        }
        // SL006: invalidating the shared session.
        8 => {
            r#"func tearDownNetworking$K() {
    URLSession.shared.invalidateAndCancel()
}
"#
        }
        // SL007: task after invalidation.
        9 => {
            r#"func finishUpload$K(_ url: URL) {
    let session = URLSession(configuration: .default)
    session.invalidateAndCancel()
    session.dataTask(with: url).resume()
}
"#
        }
        // Silent: defer covers every path.
        10 => {
            r#"func download$K(_ url: URL) async throws -> Data {
    let session = URLSession(configuration: .ephemeral)
    defer { session.finishTasksAndInvalidate() }
    let (data, _) = try await session.data(from: url)
    return data
}
"#
        }
        // Silent: invalidated in the completion handler.
        11 => {
            r#"func postEvent$K(_ request: URLRequest) {
    let session = URLSession(configuration: .ephemeral)
    session.dataTask(with: request) { _, _, _ in
        session.finishTasksAndInvalidate()
    }.resume()
}
"#
        }
        // Silent: static storage, the shared session for tasks, names in comments and strings.
        12 => {
            r#"enum Network$K {
    static let session = URLSession(configuration: .default)

    static func load(_ url: URL) {
        // URLSession(configuration: .ephemeral) is deliberately not created here.
        let note = "remember to call invalidateAndCancel() on custom sessions"
        URLSession.shared.dataTask(with: url) { _, _, _ in print(note) }.resume()
        session.dataTask(with: url).resume()
    }
}
"#
        }
        // Silent here: a factory and a releaser, used from ordinary files.
        13 => {
            refs.push(CrossRef::SwiftFactory {
                make: format!("makeUploadSession{k}"),
                release: format!("releaseUploadSession{k}"),
            });
            r#"func makeUploadSession$K() -> URLSession {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 30
    return URLSession(configuration: configuration)
}

func releaseUploadSession$K(_ session: URLSession) {
    session.finishTasksAndInvalidate()
}
"#
        }
        // Silent: stored in a type another file makes a singleton.
        14 => {
            refs.push(CrossRef::SwiftOwner {
                ty: format!("MediaClient{k}"),
                singleton: true,
            });
            r#"final class MediaClient$K {
    let session = URLSession(configuration: .default)

    func fetch(_ url: URL) {
        session.dataTask(with: url).resume()
    }
}
"#
        }
        // Silent: stored and invalidated in a method of the owner that is called.
        _ => {
            r#"final class Poller$K {
    private var session: URLSession?

    func start() {
        session = URLSession(configuration: .default)
    }

    func stop() {
        session?.invalidateAndCancel()
        session = nil
    }
}
"#
        }
    };
    (format!("\n{}", fill(template, &[("$K", &k)])), refs)
}

/// An ordinary Swift file's use of a name a session file defines.
pub fn swift_user(r: &CrossRef, id: usize) -> String {
    match r {
        // Released: silent. Not released (odd ids): SL001 at the factory call.
        CrossRef::SwiftFactory { make, release } if id % 2 == 0 => format!(
            "\nfunc uploadLogs{id}(_ url: URL) {{\n    let session = {make}()\n    session.dataTask(with: url).resume()\n    {release}(session)\n}}\n"
        ),
        CrossRef::SwiftFactory { make, .. } => format!(
            "\nfunc uploadLogs{id}(_ url: URL) {{\n    let session = {make}()\n    session.dataTask(with: url).resume()\n}}\n"
        ),
        CrossRef::SwiftOwner {
            ty,
            singleton: true,
        } => format!("\nextension {ty} {{\n    static let shared = {ty}()\n}}\n"),
        CrossRef::SwiftOwner { ty, .. } => format!(
            "\nfunc makeClient{id}() -> {ty} {{\n    let client = {ty}()\n    return client\n}}\n"
        ),
        _ => String::new(),
    }
}

/// Objective-C session shapes.
pub const OBJC_SHAPES: usize = 8;

/// The header and implementation of ObjC session shape `shape`.
pub fn objc(shape: usize, id: usize) -> (String, String, Vec<CrossRef>) {
    let k = id.to_string();
    let mut refs = Vec::new();
    let class = format!("NetworkClient{k}");
    let mut header = format!(
        "#import <Foundation/Foundation.h>\n\nNS_ASSUME_NONNULL_BEGIN\n\n@interface {class} : NSObject <NSURLSessionDataDelegate>\n@property (nonatomic, strong, nullable) NSURLSession *session;\n- (void)fetchURL:(NSURL *)url;\n+ (instancetype)sharedInstance;\n+ (NSURLSession *)makeSession;\n@end\n\nNS_ASSUME_NONNULL_END\n"
    );
    const ORDER: [usize; OBJC_SHAPES] = [7, 1, 0, 2, 4, 3, 5, 6];
    let body = match ORDER[shape % OBJC_SHAPES] {
        // SL001: session per request.
        0 => r#"- (void)fetchURL:(NSURL *)url {
    NSURLSessionConfiguration *config = [NSURLSessionConfiguration ephemeralSessionConfiguration];
    NSURLSession *session = [NSURLSession sessionWithConfiguration:config];
    [[session dataTaskWithURL:url completionHandler:^(NSData *data, NSURLResponse *response, NSError *error) {
        NSLog(@"received %lu bytes", (unsigned long)data.length);
    }] resume];
}
"#
        .to_string(),
        // SL004: delegate cycle, invalidated only in dealloc.
        1 => r#"- (instancetype)init {
    if ((self = [super init])) {
        _session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration] delegate:self delegateQueue:nil];
    }
    return self;
}

- (void)fetchURL:(NSURL *)url {
    [[_session dataTaskWithURL:url] resume];
}

- (void)dealloc {
    [_session invalidateAndCancel];
}
"#
        .to_string(),
        // SL003: stored, never invalidated.
        2 => r#"- (instancetype)init {
    self = [super init];
    if (self) {
        _session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];
    }
    return self;
}

- (void)fetchURL:(NSURL *)url {
    [[self.session dataTaskWithURL:url] resume];
}
"#
        .to_string(),
        // SL006: invalidating the shared session.
        3 => r#"- (void)fetchURL:(NSURL *)url {
    [[[NSURLSession sharedSession] dataTaskWithURL:url] resume];
    [[NSURLSession sharedSession] finishTasksAndInvalidate];
}
"#
        .to_string(),
        // SL007: task after invalidation.
        4 => r#"- (void)fetchURL:(NSURL *)url {
    NSURLSession *session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];
    [session invalidateAndCancel];
    [[session dataTaskWithURL:url] resume];
}
"#
        .to_string(),
        // Silent: invalidated in the completion handler.
        5 => r#"- (void)fetchURL:(NSURL *)url {
    NSURLSession *session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration ephemeralSessionConfiguration]];
    [[session dataTaskWithURL:url completionHandler:^(NSData *data, NSURLResponse *response, NSError *error) {
        [session finishTasksAndInvalidate];
    }] resume];
}
"#
        .to_string(),
        // Silent: a singleton's session.
        6 => r#"+ (instancetype)sharedInstance {
    static NetworkClient$K *instance;
    static dispatch_once_t once;
    dispatch_once(&once, ^{
        instance = [[NetworkClient$K alloc] init];
    });
    return instance;
}

- (instancetype)init {
    self = [super init];
    if (self) {
        _session = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];
    }
    return self;
}

- (void)fetchURL:(NSURL *)url {
    [[self.session dataTaskWithURL:url] resume];
}
"#
        .to_string(),
        // Silent here: a factory used from ordinary files.
        _ => {
            refs.push(CrossRef::ObjCFactory {
                class: class.clone(),
                method: "makeSession".into(),
            });
            header.push_str("\n// Callers own the session returned by +makeSession.\n");
            r#"+ (NSURLSession *)makeSession {
    NSURLSessionConfiguration *config = [NSURLSessionConfiguration ephemeralSessionConfiguration];
    config.timeoutIntervalForRequest = 20;
    return [NSURLSession sessionWithConfiguration:config];
}
"#
            .to_string()
        }
    };
    let implementation = format!(
        "#import \"{class}.h\"\n\n@implementation {class}\n\n{}@end\n",
        fill(&body, &[("$K", &k)])
    );
    (header, implementation, refs)
}

/// An ordinary `.m` file's use of a name a session file defines (appended after its `@end`).
pub fn objc_user(r: &CrossRef, id: usize) -> String {
    let CrossRef::ObjCFactory { class, method } = r else {
        return String::new();
    };
    let release = if id % 2 == 0 {
        "    [session finishTasksAndInvalidate];\n"
    } else {
        ""
    };
    format!(
        "\n@interface LogUploader{id} : NSObject\n@end\n\n@implementation LogUploader{id}\n\n- (void)uploadLogsTo:(NSURL *)url {{\n    id session = [{class} {method}];\n    [[session dataTaskWithURL:url] resume];\n{release}}}\n\n@end\n"
    )
}

/// Rust (objc2) session shapes.
pub const RUST_SHAPES: usize = 7;

/// The Rust code of session shape `shape`.
pub fn rust(shape: usize, id: usize) -> (String, Vec<CrossRef>) {
    let k = id.to_string();
    let mut refs = Vec::new();
    const ORDER: [usize; RUST_SHAPES] = [6, 0, 1, 2, 3, 4, 5];
    let template = match ORDER[shape % RUST_SHAPES] {
        // SL001: session per request.
        0 => {
            r#"pub fn fetch_once_$K(url: &NSURL) {
    let config = unsafe { NSURLSessionConfiguration::ephemeralSessionConfiguration() };
    let session = unsafe { NSURLSession::sessionWithConfiguration(&config) };
    let task = unsafe { session.dataTaskWithURL(url) };
    unsafe { task.resume() };
}
"#
        }
        // SL003: stored in a struct field, never invalidated.
        1 => {
            r#"pub struct HttpClient$K {
    session: Retained<NSURLSession>,
}

impl HttpClient$K {
    pub fn new() -> Self {
        let config = unsafe { NSURLSessionConfiguration::defaultSessionConfiguration() };
        let session = unsafe { NSURLSession::sessionWithConfiguration(&config) };
        HttpClient$K { session }
    }

    pub fn get(&self, url: &NSURL) {
        let task = unsafe { self.session.dataTaskWithURL(url) };
        unsafe { task.resume() };
    }
}
"#
        }
        // SL006: invalidating the shared session.
        2 => {
            r#"pub fn shutdown_$K() {
    let shared = unsafe { NSURLSession::sharedSession() };
    unsafe { shared.invalidateAndCancel() };
}
"#
        }
        // Silent: invalidated after use.
        3 => {
            r#"pub fn fetch_and_close_$K(url: &NSURL) {
    let config = unsafe { NSURLSessionConfiguration::ephemeralSessionConfiguration() };
    let session = unsafe { NSURLSession::sessionWithConfiguration(&config) };
    let task = unsafe { session.dataTaskWithURL(url) };
    unsafe { task.resume() };
    unsafe { session.finishTasksAndInvalidate() };
}
"#
        }
        // Silent: the owner invalidates in Drop (no delegate cycle).
        4 => {
            r#"pub struct Downloader$K {
    session: Retained<NSURLSession>,
}

impl Downloader$K {
    pub fn new() -> Self {
        let config = unsafe { NSURLSessionConfiguration::defaultSessionConfiguration() };
        Downloader$K { session: unsafe { NSURLSession::sessionWithConfiguration(&config) } }
    }
}

impl Drop for Downloader$K {
    fn drop(&mut self) {
        unsafe { self.session.invalidateAndCancel() };
    }
}
"#
        }
        // SL001 through msg_send!.
        5 => {
            r#"pub fn ping_$K(config: &NSURLSessionConfiguration, url: &NSURL) {
    let session: Retained<NSURLSession> =
        unsafe { msg_send![class!(NSURLSession), sessionWithConfiguration: config] };
    let task: Retained<NSURLSessionDataTask> = unsafe { msg_send![&session, dataTaskWithURL: url] };
    unsafe { task.resume() };
}
"#
        }
        // Silent here: a factory used from ordinary modules.
        _ => {
            refs.push(CrossRef::RustFactory {
                make: format!("make_session_{k}"),
            });
            r#"pub fn make_session_$K() -> Retained<NSURLSession> {
    let config = unsafe { NSURLSessionConfiguration::ephemeralSessionConfiguration() };
    unsafe { NSURLSession::sessionWithConfiguration(&config) }
}
"#
        }
    };
    let header = "\nuse objc2::rc::Retained;\nuse objc2::{class, msg_send};\nuse objc2_foundation::{NSURLSession, NSURLSessionConfiguration, NSURLSessionDataTask, NSURL};\n\n";
    (format!("{header}{}", fill(template, &[("$K", &k)])), refs)
}

/// An ordinary Rust module's use of a name a session file defines.
pub fn rust_user(r: &CrossRef, id: usize) -> String {
    let CrossRef::RustFactory { make } = r else {
        return String::new();
    };
    let release = if id % 2 == 0 {
        "    unsafe { session.finishTasksAndInvalidate() };\n"
    } else {
        ""
    };
    format!(
        "\npub fn upload_logs_{id}(url: &objc2_foundation::NSURL) {{\n    let session = {make}();\n    let task = unsafe {{ session.dataTaskWithURL(url) }};\n    unsafe {{ task.resume() }};\n{release}}}\n"
    )
}
