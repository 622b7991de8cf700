//! Offline emulator of the Ambient Code Platform backend REST API.
