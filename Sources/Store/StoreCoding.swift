import Foundation
import EBMCore

/// How values become columns and back: little-endian double blobs (bit-exact), metrics JSON with
/// non-finite values as strings, ISO 8601 UTC timestamps with milliseconds, configs as sorted JSON.
/// Each decoder throws `.invalidData` naming the column, so a damaged row is reported, not trusted.
enum StoreCoding {
    // MARK: Double blobs

    /// Each double's IEEE 754 bits, 8 bytes apiece (`LittleEndian`): exact for every value, NaN
    /// payloads included, and readable on any machine.
    static func blob(_ values: [Double]) -> [UInt8] { LittleEndian.bytes(values) }

    static func doubles(_ bytes: [UInt8], column: String, path: String) throws(StoreError) -> [Double] {
        guard bytes.count % 8 == 0 else {
            throw invalid("\(column) holds \(bytes.count) bytes, not a whole number of doubles", path: path)
        }
        return LittleEndian.doubles(bytes, count: bytes.count / 8)
    }

    // MARK: Statuses

    /// A status column's word (`RunStatus`'s raw value is the only mapping, docs/design.md "One
    /// word for a job's state"); a word this build does not know is a damaged row.
    static func status(_ text: String, column: String, path: String) throws(StoreError) -> RunStatus {
        guard let status = RunStatus(rawValue: text) else { throw invalid("\(column) is \"\(text)\"", path: path) }
        return status
    }

    // MARK: Metrics

    /// Finite metrics as JSON numbers (Swift prints the shortest digits that read back bit-exact),
    /// NaN and ±inf as the strings "NaN", "Infinity", "-Infinity": standard JSON other tools can read.
    static func metricsJSON(_ metrics: [String: Double], path: String) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return String(decoding: try encoder.encode(metrics), as: UTF8.self)
        } catch {
            throw invalid("metrics did not encode: \(error)", path: path)
        }
    }

    static func metrics(_ json: String, path: String) throws(StoreError) -> [String: Double] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode([String: Double].self, from: Data(json.utf8))
        } catch {
            throw invalid("metrics_json does not decode: \(error)", path: path)
        }
    }

    // MARK: Configurations

    static func configJSON(_ config: TrainingConfig, path: String) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return String(decoding: try encoder.encode(config), as: UTF8.self)
        } catch {
            throw invalid("a job's configuration did not encode: \(error)", path: path)
        }
    }

    static func config(_ json: String, path: String) throws(StoreError) -> TrainingConfig {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(TrainingConfig.self, from: Data(json.utf8))
        } catch {
            throw invalid("config_json does not decode: \(error)", path: path)
        }
    }

    // MARK: Timestamps

    /// "2026-11-29T04:40:55.123Z": sorts as text, readable in the sqlite3 shell.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    static func date(_ text: String, path: String) throws(StoreError) -> Date {
        do {
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
        } catch {
            throw invalid("\"\(text)\" is not an ISO 8601 timestamp", path: path)
        }
    }

    static func invalid(_ what: String, path: String) -> StoreError {
        StoreError(code: .invalidData, message: "\(path) holds a row the store cannot read (\(what)): the file was "
                   + "changed by hand or damaged; restore it or start a new sweep", operation: "decode", path: path)
    }
}
