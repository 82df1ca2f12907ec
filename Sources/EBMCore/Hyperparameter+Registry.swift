/// The registry: every tunable hyperparameter, in table order. Adding one is one entry here (and
/// the `TrainingConfig` field it names, and the code that reads it): the spec key, its checks, the
/// planner, config ids, the `train` flag and its help, the JSON of stores, checkpoints and the
/// wire, and the table columns all follow from it (README, "Adding a hyperparameter").
extension Hyperparameter {
    public static let registry: [Hyperparameter] = [
        .choice("dataset", \.dataset, default: .swissRoll, [.nce: .gaussians, .ism: .rings, .dsm: .rings],
                summary: "Toy dataset"),
        .integer("data_size", \.dataSize, in: 8...1_048_576, default: 16384, [.ism: 1024],
                 summary: "Training points, drawn once"),
        .integer("hidden_layers", \.hiddenLayers, in: 0...8, default: 2, [.nce: 3],
                 summary: "Linear(H, H) layers after the input layer"),
        .integer("neurons", \.neurons, in: 1...4096, default: 128, [.nce: 256, .ism: 512, .dsm: 512], summary: "Width H"),
        .choice("activation", \.activation, default: .relu, [.nce: .leakyRelu, .ism: .softplus, .dsm: .softplus],
                summary: "Activation after each hidden layer"),
        .integer("batch_size", \.batchSize, in: 1...65536, default: 512, [.nce: 100], summary: "Data points per step"),
        .integer("iterations", \.iterations, in: 1...1_000_000, default: 3000, [.nce: 1000, .ism: 5000, .dsm: 5000],
                 summary: "Optimiser steps"),
        .real("lr", \.lr, in: 0...10, positive: true, default: 1e-3, valueName: "rate", summary: "Learning rate"),
        .choice("optimizer", \.optimizer, default: .adam, summary: "Optimiser"),
        .real("momentum", \.momentum, in: 0...0.999999, default: 0, valueName: "beta", summary: "SGD momentum"),
        .real("weight_decay", \.weightDecay, in: 0...1, default: 0, valueName: "lambda",
              summary: "L2 penalty on the parameters, added to the gradient"),
        .real("grad_clip", \.gradClip, in: 0...1_000_000, default: 0, presence: .unlessDefault, valueName: "norm",
              summary: "Largest global L2 norm of the gradient before the optimiser step (0: off)"),
        .real("langevin_step_size", \.langevinStepSize, in: 0...10, positive: true, default: 5e-4, methods: [.ml],
              valueName: "epsilon", summary: "Step size ε of the training chains"),
        .integer("langevin_steps", \.langevinSteps, in: 1...100_000, default: 20, methods: [.ml],
                 summary: "Langevin steps per iteration"),
        .choice("chains", \.chains, default: .persistent, methods: [.ml], summary: "Where training chains start"),
        .real("energy_reg", \.energyReg, in: 0...100, default: 0, methods: [.ml], valueName: "alpha",
              summary: "Weight α of the energy regulariser α·mean(f(x)² + f(x̂)²)"),
        .real("sigma", \.sigma, in: 0...10, positive: true, default: 0.1, methods: [.dsm], valueName: "sigma",
              summary: "Noise scale σ"),
        .real("noise_std", \.noiseStd, in: 0...100, positive: true, default: 2, methods: [.nce], valueName: "std",
              summary: "Standard deviation of the noise model N(0, noise_std²·I)"),
        .choice("precision", \.precision, default: .float32, presence: .alwaysSince(absentMeans: .string("float64")),
                summary: "Arithmetic of training and sampling (float32: the templates' dtype)"),
        .integer("seed", \.seed, in: 0...Int.max, default: 0, summary: "Training seed"),
    ]
}
