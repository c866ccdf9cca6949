// swift-tools-version: 6.1
import PackageDescription

// The rule targets (RuleInput, ElectionRules, NameOrder, Allocation) are Foundation only, so
// their tests build and run in seconds; the application targets below carry the server stack.
let package = Package(
    name: "Xuanju",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "xuanju", targets: ["xuanju"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
    ],
    targets: [
        .target(name: "NameOrder", exclude: ["STROKE-DATA.md"], resources: [.copy("Resources/strokes.tsv"), .copy("Resources/stroke-overrides.tsv")]),
        .target(name: "RuleInput"),
        .target(name: "ElectionRules", dependencies: ["RuleInput"]),
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        .target(name: "Allocation", dependencies: ["ElectionRules", "CGLPK"]),
        .systemLibrary(name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
                       providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        // Roster files of 300,000 rows are parsed here: optimized even in debug builds (what
        // scripts/demo runs), or an import takes minutes instead of seconds.
        .target(name: "Documents", dependencies: ["ElectionRules", "NameOrder", "CPangoCairo", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                swiftSettings: [.unsafeFlags(["-O"])]),
        // The application: shared vocabulary (Core), the database behind one client per
        // aggregate (Persistence), one target per feature, the demo, and the web on top.
        .target(name: "Core", dependencies: ["ElectionRules"]),
        .target(name: "Persistence", dependencies: [
            "Core", "Documents", "NameOrder",
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Audit", dependencies: ["Core", "ElectionRules", "Persistence", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Organizations", dependencies: ["Core", "Persistence", "Audit"]),
        .target(name: "Roster", dependencies: ["Core", "Persistence", "Audit", "Organizations", "Documents",
                                               .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Accounts", dependencies: ["Core", "Persistence", "Audit", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Elections", dependencies: ["Core", "Persistence", "Audit", "Organizations", "Allocation", "Documents", "NameOrder"]),
        .target(name: "Nominations", dependencies: ["Core", "Persistence", "Audit", "Elections", "Allocation", "NameOrder", "Documents",
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Delegates", dependencies: ["Core", "Persistence", "Audit", "Allocation", "Elections", "NameOrder", "Documents"]),
        .target(name: "Meetings", dependencies: ["Core", "Persistence", "Audit", "Elections", "ElectionDocuments", "NameOrder", "Documents",
                                                 .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ElectionDocuments", dependencies: ["Core", "Persistence", "Audit", "Documents", "Allocation", "Elections", "Nominations", "Organizations",
                                                          "NameOrder"]),
        .target(name: "Demo", dependencies: ["Core", "Persistence", "Audit", "Documents", "Allocation", "Elections", "Nominations", "Meetings"]),
        .target(name: "WebApp", dependencies: [
            "Core", "Persistence", "Audit", "Organizations", "Roster", "Accounts", "Elections", "Nominations", "Meetings", "Delegates", "ElectionDocuments", "Documents",
            "Allocation", "NameOrder",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "Leaf", package: "leaf"),
            .product(name: "LeafKit", package: "leaf-kit"),
        ], resources: [.copy("Resources")]),
        .executableTarget(name: "xuanju", dependencies: [
            "WebApp", "Core", "Persistence", "Audit", "Roster", "Accounts", "Demo", "ElectionDocuments", "ElectionRules", "NameOrder", "Allocation", "Documents",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Reads generated PDFs back with poppler-utils, for the test targets that make them.
        .target(name: "PopplerSupport", path: "Tests/Support"),
        .testTarget(name: "ElectionRulesTests", dependencies: [
            "ElectionRules", "NameOrder", "Documents",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "NameOrderTests", dependencies: [
            "NameOrder",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "AllocationTests", dependencies: ["Allocation", "Documents"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Core", "Persistence", "Audit", "Organizations", "Roster", "Accounts", "Demo", "Documents", "NameOrder", "Elections", "Nominations", "Meetings",
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
        ]),
        // Feature tests on the in-memory store: no database, seconds to run.
        .testTarget(name: "ElectionsTests", dependencies: ["Core", "Persistence", "Audit", "Demo", "Elections", "Nominations", "Meetings", "Delegates", "Allocation", "Documents",
                                                          "ElectionDocuments", "NameOrder", "PopplerSupport"]),
        .testTarget(name: "DocumentsTests", dependencies: [
            "Documents", "PopplerSupport",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "WebAppTests", dependencies: [
            "WebApp", "Core", "Persistence", "Audit", "Accounts", "Demo", "Documents", "Allocation", "NameOrder", "PopplerSupport", "Meetings",
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "XCTVapor", package: "vapor"),
            .product(name: "VaporTesting", package: "vapor"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
