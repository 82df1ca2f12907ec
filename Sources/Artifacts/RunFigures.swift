import EBMCore
import Report

/// The figures the course report asks for, for one trained model: energy landscape and normalised
/// density (energy models), score field (every model; −∇f for energy models), samples over the
/// held-out data, the loss curve and the training data. File name → SVG text.
public enum RunFigures {
    /// Grid cells per side of the energy/density heat maps.
    public static let defaultResolution = 200

    public static func make(model: Model, config: TrainingConfig, samples: Matrix, losses: [Double],
                            box: PlotBox? = nil, resolution: Int = defaultResolution) -> [(name: String, svg: String)] {
        let box = box ?? PlotBox.of(config.dataset)
        let heldOut = EvaluationData.make(for: config.dataset).heldOut
        var figures: [(String, String)] = []
        let title = "\(config.method.rawValue.uppercased()) on \(config.dataset.rawValue)"
        if model.isEnergyModel {
            let points = box.gridPoints(columns: resolution, rows: resolution)
            let grid = Matrix(rows: resolution, columns: resolution, storage: model.energy(at: points))
            figures.append(("energy.svg", Figures.energyFigure(grid: grid, box: box, title: "Energy f(x) — \(title)")))
            figures.append(("density.svg", Figures.densityFigure(grid: grid, box: box, title: "Density exp(−f)/z — \(title)")))
        }
        figures.append(("score.svg", Figures.scoreFigure(score: { model.score(at: $0) }, box: box,
                                                        title: "Score ∇ₓ log p — \(title)")))
        figures.append(("samples.svg", Figures.samplesFigure(samples: samples, data: heldOut, box: box,
                                                            title: "Samples (\(samples.rows)) over held-out data")))
        figures.append(("loss.svg", Figures.lossFigure(history: losses, title: "Training loss — \(title)")))
        let data = ToyData.trainingData(for: config, count: min(config.dataSize, 4000))
        figures.append(("dataset.svg", Figures.datasetFigure(data: data, box: box, title: "Training data: \(config.dataset.rawValue)")))
        return figures
    }
}
