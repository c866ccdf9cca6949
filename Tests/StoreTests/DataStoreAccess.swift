import FluentKit
import Persistence

extension FluentKit.Database {
    /// The features' view of this database (tests inspect tables directly and call features through this).
    var data: any DataStore { FluentDataStore(database: self) }
}
