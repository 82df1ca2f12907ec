import Testing
@testable import Sweep
