/// The tool's version; workers report it in READY so a mixed fleet is visible.
let buildVersion = "0.1.0"
