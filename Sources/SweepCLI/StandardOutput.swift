import Foundation

/// Prints a line to standard output unbuffered, so it interleaves in order with the progress
/// lines on standard error even when both go to one log file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
