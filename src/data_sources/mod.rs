//! The data source types of the provider, one module each.

use crate::framework::DataSource;
use crate::platform::Platform;

/// Every data source type this provider serves.
pub fn all() -> Vec<Box<dyn DataSource<Platform>>> {
    Vec::new()
}
