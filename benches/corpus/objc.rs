//! Ordinary Objective-C: headers (some C++-heavy: templates, namespaces, macros), `.m`
//! implementations, some Objective-C++ `.mm`; and a protobuf-style generated C++ header.

use super::{fill, Rng, NOUNS};

/// A plain `@interface` header of at least `target` lines.
pub fn header(rng: &mut Rng, class: &str, target: usize) -> String {
    let mut out = format!(
        "#import <Foundation/Foundation.h>\n#import <UIKit/UIKit.h>\n\nNS_ASSUME_NONNULL_BEGIN\n\n@class {class};\n\ntypedef NS_ENUM(NSInteger, {class}Mode) {{\n    {class}ModeNone = 0,\n    {class}ModeCompact,\n    {class}ModeExpanded,\n}};\n\n@protocol {class}Delegate <NSObject>\n- (void){lc}DidFinish:({class} *)controller;\n@optional\n- (BOOL){lc}:({class} *)controller shouldSelectItemAtIndex:(NSInteger)index;\n@end\n\n@interface {class} : UIViewController\n\n",
        lc = lower_first(class)
    );
    let props = [
        "@property (nonatomic, copy) NSString *title;",
        "@property (nonatomic, strong, nullable) NSArray<NSString *> *items;",
        "@property (nonatomic, weak, nullable) id<$CDelegate> delegate;",
        "@property (nonatomic, assign) $CMode mode;",
        "@property (nonatomic, assign, getter=isEditing) BOOL editing;",
        "@property (nonatomic, strong) NSMutableDictionary<NSString *, NSNumber *> *counts;",
        "@property (nonatomic, readonly) NSUInteger selectedIndex;",
    ];
    for p in props {
        out.push_str(&fill(p, &[("$C", class)]));
        out.push('\n');
    }
    out.push('\n');
    let mut i = 0;
    while out.lines().count() < target.max(30) {
        let m = match rng.below(4) {
            0 => format!("- (void)reloadSection{i}:(NSInteger)section animated:(BOOL)animated;\n"),
            1 => format!("- (nullable NSString *)titleForRow{i}:(NSInteger)row;\n"),
            2 => format!("+ (instancetype)controllerWithTitle{i}:(NSString *)title;\n"),
            _ => format!("- (void)updateWithItems{i}:(NSArray<NSString *> *)items completion:(void (^ _Nullable)(BOOL finished))completion;\n"),
        };
        out.push_str(&m);
        i += 1;
    }
    out.push_str("\n@end\n\nNS_ASSUME_NONNULL_END\n");
    out
}

/// A header mixing Objective-C with heavy C++: namespaces, templates, macros.
pub fn cpp_header(rng: &mut Rng, class: &str, id: usize, target: usize) -> String {
    let mut out = format!(
        "#pragma once\n\n#import <Foundation/Foundation.h>\n\n#ifdef __cplusplus\n#include <vector>\n#include <memory>\n#include <string>\n#include <unordered_map>\n#include <functional>\n#include <type_traits>\n\n#define APP_DISALLOW_COPY_{id}(T) \\\n    T(const T&) = delete; \\\n    T& operator=(const T&) = delete\n#define APP_LIKELY_{id}(x) __builtin_expect(!!(x), 1)\n\nnamespace app {{\nnamespace detail_{id} {{\n\n"
    );
    let mut i = 0;
    while out.lines().count() < target.max(40) {
        let block = match rng.below(3) {
            0 => r#"template <typename T, std::size_t N = $K>
class RingBuffer$I {
public:
    using value_type = T;
    using size_type = std::size_t;

    RingBuffer$I() = default;
    APP_DISALLOW_COPY_$ID(RingBuffer$I);

    template <typename... Args>
    bool emplace(Args&&... args) noexcept(std::is_nothrow_constructible<T, Args...>::value) {
        if (APP_LIKELY_$ID(count_ < N)) {
            storage_[(head_ + count_) % N] = T(std::forward<Args>(args)...);
            ++count_;
            return true;
        }
        return false;
    }

    const T& front() const { return storage_[head_]; }
    size_type size() const noexcept { return count_; }

private:
    std::array<T, N> storage_{};
    size_type head_ = 0;
    size_type count_ = 0;
};

"#
            .to_string(),
            1 => r#"struct Metrics$I {
    double latency_ms = 0.0;
    std::uint64_t bytes = 0;
    std::vector<std::pair<std::string, double>> samples;

    template <typename F>
    auto map(F&& f) const -> std::vector<decltype(f(std::declval<double>()))> {
        std::vector<decltype(f(std::declval<double>()))> out;
        out.reserve(samples.size());
        for (const auto& [name, value] : samples) {
            out.push_back(f(value));
        }
        return out;
    }
};

using MetricsMap$I = std::unordered_map<std::string, std::shared_ptr<Metrics$I>>;

"#
            .to_string(),
            _ => r#"template <typename Key, typename Value, typename Hash = std::hash<Key>>
class Cache$I final {
public:
    explicit Cache$I(std::size_t capacity) : capacity_(capacity) {}

    std::shared_ptr<Value> get(const Key& key) const {
        auto it = entries_.find(key);
        return it == entries_.end() ? nullptr : it->second;
    }

    void put(const Key& key, std::shared_ptr<Value> value) {
        if (entries_.size() >= capacity_) {
            entries_.erase(entries_.begin());
        }
        entries_[key] = std::move(value);
    }

private:
    std::size_t capacity_;
    std::unordered_map<Key, std::shared_ptr<Value>, Hash> entries_;
};

"#
            .to_string(),
        };
        let k = rng.range(4, 64).to_string();
        out.push_str(&fill(
            &block,
            &[("$ID", &id.to_string()), ("$I", &i.to_string()), ("$K", &k)],
        ));
        i += 1;
    }
    out.push_str(&format!(
        "}} // namespace detail_{id}\n}} // namespace app\n#endif // __cplusplus\n\n@interface {class} : NSObject\n@property (nonatomic, copy) NSString *identifier;\n- (void)start;\n- (void)stop;\n@end\n"
    ));
    out
}

/// An `@implementation` of about `target` lines; Objective-C++ when `objcpp`.
pub fn implementation(
    rng: &mut Rng,
    class: &str,
    id: usize,
    target: usize,
    objcpp: bool,
) -> String {
    let mut out = format!("#import \"{class}.h\"\n#import <QuartzCore/QuartzCore.h>\n\n");
    if objcpp {
        out.push_str(&format!(
            "#include <algorithm>\n#include <numeric>\n\nnamespace {{\nstd::vector<double> Smooth{id}(const std::vector<double>& input, std::size_t window) {{\n    std::vector<double> out;\n    out.reserve(input.size());\n    for (std::size_t i = 0; i < input.size(); ++i) {{\n        auto begin = input.begin() + (i >= window ? i - window : 0);\n        auto end = input.begin() + i + 1;\n        out.push_back(std::accumulate(begin, end, 0.0) / std::distance(begin, end));\n    }}\n    return out;\n}}\n}} // namespace\n\n"
        ));
    }
    let noun = rng.pick(NOUNS);
    out.push_str(&format!(
        "static NSString * const k{class}CellIdentifier = @\"{noun}Cell\";\n\n@interface {class} () <UITableViewDataSource, UITableViewDelegate>\n@property (nonatomic, strong) UITableView *tableView;\n@property (nonatomic, strong) NSCache<NSString *, UIImage *> *imageCache;\n@end\n\n@implementation {class}\n\n"
    ));
    out.push_str(
        "- (instancetype)init {\n    self = [super init];\n    if (self) {\n        _imageCache = [[NSCache alloc] init];\n        _imageCache.countLimit = 100;\n        [[NSNotificationCenter defaultCenter] addObserver:self selector:@selector(didReceiveMemoryWarning:) name:UIApplicationDidReceiveMemoryWarningNotification object:nil];\n    }\n    return self;\n}\n\n- (void)dealloc {\n    [[NSNotificationCenter defaultCenter] removeObserver:self];\n}\n\n",
    );
    let mut i = 0;
    while out.lines().count() < target.max(40) {
        let block = match rng.below(4) {
            0 => {
                r#"- (void)reloadSection$I:(NSInteger)section animated:(BOOL)animated {
    if (section < 0 || section >= [self.tableView numberOfSections]) {
        return;
    }
    NSIndexSet *sections = [NSIndexSet indexSetWithIndex:(NSUInteger)section];
    UITableViewRowAnimation animation = animated ? UITableViewRowAnimationFade : UITableViewRowAnimationNone;
    [self.tableView reloadSections:sections withRowAnimation:animation];
}

"#
            }
            1 => {
                r#"- (nullable NSString *)titleForRow$I:(NSInteger)row {
    NSArray<NSString *> *items = self.items;
    if (row < 0 || (NSUInteger)row >= items.count) {
        return nil;
    }
    NSString *title = items[(NSUInteger)row];
    switch (self.mode) {
        case 0:
            return title;
        case 1:
            return [title substringToIndex:MIN(title.length, (NSUInteger)12)];
        default:
            return [NSString stringWithFormat:@"%@ (%ld)", title, (long)row];
    }
}

"#
            }
            2 => {
                r#"- (void)updateWithItems$I:(NSArray<NSString *> *)items completion:(void (^)(BOOL finished))completion {
    __weak typeof(self) weakSelf = self;
    dispatch_async(dispatch_get_global_queue(QOS_CLASS_USER_INITIATED, 0), ^{
        NSMutableArray<NSString *> *sorted = [items mutableCopy];
        [sorted sortUsingComparator:^NSComparisonResult(NSString *a, NSString *b) {
            return [a localizedCaseInsensitiveCompare:b];
        }];
        dispatch_async(dispatch_get_main_queue(), ^{
            __strong typeof(weakSelf) strongSelf = weakSelf;
            if (!strongSelf) {
                return;
            }
            strongSelf.items = [sorted copy];
            [strongSelf.tableView reloadData];
            if (completion) {
                completion(YES);
            }
        });
    });
}

"#
            }
            _ => {
                r#"- (UITableViewCell *)tableView:(UITableView *)tableView cellForRowAtIndexPath$I:(NSIndexPath *)indexPath {
    UITableViewCell *cell = [tableView dequeueReusableCellWithIdentifier:@"Cell$I" forIndexPath:indexPath];
    cell.textLabel.text = [self titleForRow0:indexPath.row];
    for (NSInteger i = 0; i < 3; i++) {
        if ([self.counts[@(i).stringValue] integerValue] > 10) {
            cell.accessoryType = UITableViewCellAccessoryCheckmark;
            break;
        }
    }
    while (cell.contentView.subviews.count > 4) {
        [cell.contentView.subviews.lastObject removeFromSuperview];
    }
    return cell;
}

"#
            }
        };
        out.push_str(&fill(block, &[("$I", &i.to_string())]));
        i += 1;
    }
    out.push_str("@end\n");
    out
}

/// A protoc-style generated C++ header of about `bytes` bytes.
pub fn protobuf_header(bytes: usize) -> String {
    let mut out = String::from(
        "// Generated by the protocol buffer compiler.  DO NOT EDIT!\n// source: api/v1/models.proto\n\n#ifndef GOOGLE_PROTOBUF_INCLUDED_api_2fv1_2fmodels_2eproto\n#define GOOGLE_PROTOBUF_INCLUDED_api_2fv1_2fmodels_2eproto\n\n#include <limits>\n#include <string>\n\n#include <google/protobuf/port_def.inc>\n#if PROTOBUF_VERSION < 3021000\n#error This file was generated by a newer version of protoc.\n#endif\n\n#include <google/protobuf/arena.h>\n#include <google/protobuf/message.h>\n#include <google/protobuf/repeated_field.h>\n\n#define PROTOBUF_INTERNAL_EXPORT_api_2fv1_2fmodels_2eproto\nPROTOBUF_NAMESPACE_OPEN\nnamespace internal {\nclass AnyMetadata;\n}  // namespace internal\nPROTOBUF_NAMESPACE_CLOSE\n\nnamespace api {\nnamespace v1 {\n\n",
    );
    let mut i = 0;
    let mut accessors = String::new();
    while out.len() + accessors.len() < bytes {
        let template = r#"class Message$I final :
    public ::PROTOBUF_NAMESPACE_ID::Message /* @@protoc_insertion_point(class_definition:api.v1.Message$I) */ {
 public:
  inline Message$I() : Message$I(nullptr) {}
  ~Message$I() override;
  explicit PROTOBUF_CONSTEXPR Message$I(::PROTOBUF_NAMESPACE_ID::internal::ConstantInitialized);

  Message$I(const Message$I& from);
  Message$I(Message$I&& from) noexcept
    : Message$I() {
    *this = ::std::move(from);
  }

  inline Message$I& operator=(const Message$I& from) {
    CopyFrom(from);
    return *this;
  }
  inline Message$I& operator=(Message$I&& from) noexcept {
    if (this == &from) return *this;
    if (GetOwningArena() == from.GetOwningArena()) {
      InternalSwap(&from);
    } else {
      CopyFrom(from);
    }
    return *this;
  }

  static const Message$I& default_instance() {
    return *internal_default_instance();
  }
  static inline const Message$I* internal_default_instance() {
    return reinterpret_cast<const Message$I*>(
               &_Message$I_default_instance_);
  }

  Message$I* New(::PROTOBUF_NAMESPACE_ID::Arena* arena = nullptr) const final {
    return CreateMaybeMessage<Message$I>(arena);
  }
  using ::PROTOBUF_NAMESPACE_ID::Message::CopyFrom;
  void CopyFrom(const Message$I& from);
  void MergeFrom(const Message$I& from);
  PROTOBUF_ATTRIBUTE_REINITIALIZES void Clear() final;
  bool IsInitialized() const final;
  size_t ByteSizeLong() const final;
  const char* _InternalParse(const char* ptr, ::PROTOBUF_NAMESPACE_ID::internal::ParseContext* ctx) final;
  uint8_t* _InternalSerialize(
      uint8_t* target, ::PROTOBUF_NAMESPACE_ID::io::EpsCopyOutputStream* stream) const final;

 private:
  template <typename T> friend class ::PROTOBUF_NAMESPACE_ID::Arena::InternalHelper;
  static ::PROTOBUF_NAMESPACE_ID::StringPiece FullMessageName() {
    return "api.v1.Message$I";
  }

 public:
  enum : int {
    kNameFieldNumber = 2,
    kTagsFieldNumber = 3,
    kIdFieldNumber = 1,
  };
  // repeated string tags = 3;
  int tags_size() const;
  void clear_tags();
  const std::string& tags(int index) const;
  std::string* mutable_tags(int index);
  void set_tags(int index, const std::string& value);
  void add_tags(const std::string& value);
  const ::PROTOBUF_NAMESPACE_ID::RepeatedPtrField<std::string>& tags() const;

  // string name = 2;
  void clear_name();
  const std::string& name() const;
  template <typename ArgT0 = const std::string&, typename... ArgT>
  void set_name(ArgT0&& arg0, ArgT... args);
  std::string* mutable_name();
  PROTOBUF_NODISCARD std::string* release_name();

  // int32 id = 1;
  void clear_id();
  int32_t id() const;
  void set_id(int32_t value);

  // @@protoc_insertion_point(class_scope:api.v1.Message$I)
 private:
  struct Impl_ {
    ::PROTOBUF_NAMESPACE_ID::RepeatedPtrField<std::string> tags_;
    ::PROTOBUF_NAMESPACE_ID::internal::ArenaStringPtr name_;
    int32_t id_;
    mutable ::PROTOBUF_NAMESPACE_ID::internal::CachedSize _cached_size_;
  };
  union { Impl_ _impl_; };
  friend struct ::TableStruct_api_2fv1_2fmodels_2eproto;
};
// -------------------------------------------------------------------

"#;
        out.push_str(&fill(template, &[("$I", &i.to_string())]));
        let accessor = r#"// Message$I

// int32 id = 1;
inline void Message$I::clear_id() {
  _impl_.id_ = 0;
}
inline int32_t Message$I::id() const {
  // @@protoc_insertion_point(field_get:api.v1.Message$I.id)
  return _impl_.id_;
}
inline void Message$I::set_id(int32_t value) {
  _impl_.id_ = value;
  // @@protoc_insertion_point(field_set:api.v1.Message$I.id)
}

// string name = 2;
template <typename ArgT0, typename... ArgT>
inline PROTOBUF_ALWAYS_INLINE
void Message$I::set_name(ArgT0&& arg0, ArgT... args) {
 _impl_.name_.Set(static_cast<ArgT0 &&>(arg0), args..., GetArenaForAllocation());
  // @@protoc_insertion_point(field_set:api.v1.Message$I.name)
}
inline std::string* Message$I::mutable_name() {
  std::string* _s = _impl_.name_.Mutable(GetArenaForAllocation());
  // @@protoc_insertion_point(field_mutable:api.v1.Message$I.name)
  return _s;
}

"#;
        accessors.push_str(&fill(accessor, &[("$I", &i.to_string())]));
        i += 1;
    }
    out.push_str("#ifdef __GNUC__\n  #pragma GCC diagnostic push\n  #pragma GCC diagnostic ignored \"-Wstrict-aliasing\"\n#endif  // __GNUC__\n");
    out.push_str(&accessors);
    out.push_str("#ifdef __GNUC__\n  #pragma GCC diagnostic pop\n#endif  // __GNUC__\n\n}  // namespace v1\n}  // namespace api\n\n#include <google/protobuf/port_undef.inc>\n#endif  // GOOGLE_PROTOBUF_INCLUDED_api_2fv1_2fmodels_2eproto\n");
    out
}

fn lower_first(name: &str) -> String {
    super::swift::lower_first(name)
}
