import EBMCore
import Foundation
import Testing
@testable import Wire

/// Mutated frame lists per fuzz run: thousands, yet a few seconds in a debug build.
let fuzzCount = 10_000

@Suite("Codec fuzzing")
struct FuzzTests {
    /// One mutation of a valid encoding: random frames, truncation, bit flips, splices, oversizing.
    static func mutate(_ frames: [[UInt8]], _ gen: inout MessageGenerator) -> [[UInt8]] {
        var f = frames
        switch gen.int(0...7) {
        case 0:  // random frames
            return (0..<gen.int(0...6)).map { _ in (0..<gen.int(0...40)).map { _ in UInt8(truncatingIfNeeded: gen.rng.next()) } }
        case 1:  // drop frames from the end
            f.removeLast(gen.int(1...f.count))
        case 2, 3:  // truncate one frame
            let i = gen.int(0...f.count - 1)
            if !f[i].isEmpty { f[i] = Array(f[i].prefix(gen.int(0...f[i].count - 1))) } else { f[i] = [0] }
        case 4, 5:  // flip bits
            for _ in 0..<gen.int(1...8) {
                let i = gen.int(0...f.count - 1)
                if f[i].isEmpty { continue }
                f[i][gen.int(0...f[i].count - 1)] ^= UInt8(1) << UInt8(gen.int(0...7))
            }
        case 6:  // extra frames
            f += (0..<gen.int(1...3)).map { _ in [UInt8](repeating: 1, count: gen.int(0...8)) }
        default:  // overwrite a stretch of the header with random printable junk
            let i = min(2, f.count - 1)
            guard !f[i].isEmpty else { return f }
            let start = gen.int(0...f[i].count - 1)
            for j in start..<min(f[i].count, start + gen.int(1...6)) {
                f[i][j] = Array("{}[]\",:0-9.eE\\ntrufalsn".utf8)[gen.int(0...22)]
            }
        }
        return f
    }

    @Test("mutated frames are refused with a WireError or decode to a valid message; never a crash or hang")
    func fuzz() throws {
        var gen = MessageGenerator(seed: 2024)
        var refused: [WireError.Code: Int] = [:]
        var accepted = 0
        let start = ContinuousClock.now
        for n in 0..<fuzzCount {
            let workerSide = n % 2 == 0
            let original = workerSide ? Codec.encode(gen.workerMessage()) : Codec.encode(gen.coordinatorMessage())
            let frames = Self.mutate(original, &gen)
            do {
                if workerSide {
                    let m = try Codec.decode(frames, as: WorkerMessage.self)
                    try m.validate()
                    #expect(try Codec.decode(Codec.encode(m), as: WorkerMessage.self) == m)
                } else {
                    let m = try Codec.decode(frames, as: CoordinatorMessage.self)
                    #expect(try Codec.decode(Codec.encode(m), as: CoordinatorMessage.self) == m)
                }
                accepted += 1
            } catch {
                refused[error.code, default: 0] += 1
                #expect(!error.message.isEmpty)
            }
        }
        let elapsed = ContinuousClock.now - start
        let summary = WireError.Code.allCases.map { "\($0.rawValue)=\(refused[$0, default: 0])" }.joined(separator: " ")
        print("fuzz: \(fuzzCount) cases in \(elapsed): accepted=\(accepted) \(summary)")
        // Every stage of the decoder refused something, and most mutations are refused.
        for code in WireError.Code.allCases { #expect(refused[code, default: 0] > 0, "no \(code.rawValue) refusals") }
        #expect(accepted < fuzzCount / 4)
    }

    @Test("oversized frames are refused before they are parsed")
    func oversized() throws {
        let header = Array(#"{"job_id":"j","attempt":0,"status":"ok","metrics":{},"seconds":1,"seconds_per_iteration":0}"#.utf8)
        let big = [UInt8](repeating: 0, count: WireLimits.maxPayloadBytes + 1)
        let error = #expect(throws: WireError.self) {
            _ = try Codec.decode([Array("EBM/1".utf8), Array("RESULT".utf8), header, big], as: WorkerMessage.self)
        }
        #expect(error?.code == .tooLarge)
        // Deeply nested JSON inside the size limit is refused, not a stack overflow.
        let nested = Array((String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)).utf8)
        let deep = #expect(throws: WireError.self) {
            _ = try Codec.decode([Array("EBM/1".utf8), Array("BYE".utf8), nested], as: WorkerMessage.self)
        }
        #expect(deep?.code == .malformedHeader)
    }
}
