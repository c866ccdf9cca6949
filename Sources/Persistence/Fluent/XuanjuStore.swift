import Foundation
import FluentKit
import Logging
import NIOCore
import NIOPosix

/// A Fluent database outside the web server (demo, audit verify, tests): owns its thread
/// pool and the Databases registry, runs the migrations on open.
public final class XuanjuStore: @unchecked Sendable {
    public let target: DatabaseTarget
    public let databases: Databases
    private let threadPool: NIOThreadPool
    private let logger: Logger

    /// The command line's store logs warnings and errors only (migrations would fill the terminal).
    public static func quietLogger() -> Logger {
        var logger = Logger(label: "xuanju.store")
        logger.logLevel = .warning
        return logger
    }

    public init(target: DatabaseTarget, logger: Logger = XuanjuStore.quietLogger()) throws {
        self.target = target
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: MultiThreadedEventLoopGroup.singleton)
        try target.configure(databases)
    }

    public var database: any Database {
        databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!
    }

    /// The clients on this database.
    public var data: any DataStore { FluentDataStore(database: database) }

    private func makeMigrator() -> Migrator {
        let migrations = Migrations()
        migrations.add(StoreMigrations.all)
        return Migrator(databases: databases, migrations: migrations, logger: logger,
                        on: MultiThreadedEventLoopGroup.singleton.any())
    }

    public func migrate() async throws {
        try await target.tune(databases, on: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let migrator = makeMigrator()
        try await target.whileMigrating(logger: logger) {
            try await migrator.setupIfNeeded().get()
            try await migrator.prepareBatch().get()
        }
    }

    /// Drops every table (tests only).
    public func revertAll() async throws {
        let migrator = makeMigrator()
        try await migrator.setupIfNeeded().get()
        try await migrator.revertAllBatches().get()
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
    }
}
