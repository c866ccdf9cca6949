import Foundation
import CGLPK

/// A small 0-1 / integer linear program solved by GLPK's branch and cut (glp_intopt).
/// Variables are 0-1 unless given bounds; rows are `lower ≤ Σ coef·x ≤ upper`.
final class IntegerProgram {
    struct Row {
        var terms: [(variable: Int, coefficient: Double)]
        var lower: Double?
        var upper: Double?
    }

    enum Outcome: Equatable {
        case optimal(objective: Double, values: [Double])
        case infeasible
        /// The time limit passed before GLPK proved an optimum or infeasibility.
        case timedOut
    }

    private(set) var columnCount = 0
    private var columnBounds: [(lower: Double, upper: Double?, integer: Bool)] = []
    private(set) var rows: [Row] = []

    /// Adds a variable; returns its index.
    func addVariable(lower: Double = 0, upper: Double? = 1, integer: Bool = true) -> Int {
        columnBounds.append((lower, upper, integer))
        columnCount += 1
        return columnCount - 1
    }

    func addRow(_ terms: [(Int, Double)], lower: Double? = nil, upper: Double? = nil) {
        rows.append(Row(terms: terms.map { (variable: $0.0, coefficient: $0.1) }, lower: lower, upper: upper))
    }

    /// Solves with the given objective (coefficients per variable) and sense.
    /// `milliseconds` bounds GLPK's branch and cut (`tm_lim`); nil runs to the end.
    func solve(objective: [Int: Double], maximize: Bool, milliseconds: Int? = nil) -> Outcome {
        glp_term_out(GLP_OFF)
        let lp = glp_create_prob()!
        defer { glp_delete_prob(lp) }
        glp_set_obj_dir(lp, maximize ? GLP_MAX : GLP_MIN)
        if columnCount > 0 { glp_add_cols(lp, Int32(columnCount)) }
        for (j, bounds) in columnBounds.enumerated() {
            let col = Int32(j + 1)
            if let upper = bounds.upper {
                glp_set_col_bnds(lp, col, upper == bounds.lower ? GLP_FX : GLP_DB, bounds.lower, upper)
            } else {
                glp_set_col_bnds(lp, col, GLP_LO, bounds.lower, 0)
            }
            glp_set_col_kind(lp, col, bounds.integer ? (bounds.lower == 0 && bounds.upper == 1 ? GLP_BV : GLP_IV) : GLP_CV)
            glp_set_obj_coef(lp, col, objective[j] ?? 0)
        }
        if !rows.isEmpty { glp_add_rows(lp, Int32(rows.count)) }
        // GLPK's sparse matrix arrays are 1-based: index 0 is unused.
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for (i, row) in rows.enumerated() {
            let r = Int32(i + 1)
            switch (row.lower, row.upper) {
            case let (l?, u?) where l == u: glp_set_row_bnds(lp, r, GLP_FX, l, u)
            case let (l?, u?): glp_set_row_bnds(lp, r, GLP_DB, l, u)
            case let (l?, nil): glp_set_row_bnds(lp, r, GLP_LO, l, 0)
            case let (nil, u?): glp_set_row_bnds(lp, r, GLP_UP, 0, u)
            case (nil, nil): glp_set_row_bnds(lp, r, GLP_FR, 0, 0)
            }
            for term in row.terms {
                ia.append(r); ja.append(Int32(term.variable + 1)); ar.append(term.coefficient)
            }
        }
        if ia.count > 1 { glp_load_matrix(lp, Int32(ia.count - 1), &ia, &ja, &ar) }
        var parameters = glp_iocp()
        glp_init_iocp(&parameters)
        parameters.presolve = GLP_ON
        parameters.msg_lev = GLP_MSG_OFF
        if let milliseconds { parameters.tm_lim = Int32(clamping: max(1, milliseconds)) }
        let code = glp_intopt(lp, &parameters)
        if code == GLP_ETMLIM { return .timedOut }
        let status = glp_mip_status(lp)
        guard code == 0 || code == GLP_ENOPFS || code == GLP_ENODFS, status == GLP_OPT else { return .infeasible }
        let values = (0..<columnCount).map { glp_mip_col_val(lp, Int32($0 + 1)) }
        return .optimal(objective: glp_mip_obj_val(lp), values: values)
    }
}
