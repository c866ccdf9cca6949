import Foundation

/// A ruled table drawn row by row onto a canvas: each row as tall as its tallest cell, a new
/// page (with the heading row again) when the next row would cross the bottom margin.
public struct PDFTable: Sendable {
    public struct Column: Sendable {
        public let title: String
        public let width: Double
        public let align: PDFCanvas.Align
        /// A name: never broken across lines — the type shrinks until it fits the cell.
        public let keepTogether: Bool
        public init(_ title: String, width: Double, align: PDFCanvas.Align = .center, keepTogether: Bool = false) {
            self.title = title; self.width = width; self.align = align; self.keepTogether = keepTogether
        }
    }

    public let columns: [Column]
    public let size: Double
    public let minRowHeight: Double
    public let padding = 3.0

    public init(columns: [Column], size: Double = 9, minRowHeight: Double = 20) {
        self.columns = columns; self.size = size; self.minRowHeight = minRowHeight
    }

    public var width: Double { columns.reduce(0) { $0 + $1.width } }

    /// Draws the heading row and `rows` from `top`, starting a page when one is full:
    /// `pageTop` is then called on the new page and gives the y to continue from. `owner`
    /// names a row's person in an error about a character the fonts cannot draw. Returns the y
    /// below the table.
    @discardableResult
    public func draw(on canvas: PDFCanvas, x: Double, top: Double, bottom: Double, rows: [[String]], owner: (Int) -> String? = { _ in nil },
                     pageTop: (PDFCanvas) throws -> Double) throws -> Double {
        var y = try heading(on: canvas, x: x, y: top)
        for (i, row) in rows.enumerated() {
            precondition(row.count == columns.count, "a row has a cell per column")
            var height = minRowHeight
            // A name keeps to one line: its own size, smaller only when it would not fit.
            let sizes = try zip(row, columns).map { cell, column in
                column.keepTogether ? try canvas.fittingSize(cell, size: size, width: column.width - 2 * padding, owner: owner(i)) : size
            }
            for ((cell, column), cellSize) in zip(zip(row, columns), sizes) {
                height = max(height, try canvas.measure(cell, size: cellSize, width: column.width - 2 * padding, owner: owner(i)) + 2 * padding)
            }
            if y + height > bottom {
                canvas.newPage()
                y = try heading(on: canvas, x: x, y: try pageTop(canvas))
            }
            var cx = x
            for ((cell, column), cellSize) in zip(zip(row, columns), sizes) {
                canvas.rect(x: cx, y: y, width: column.width, height: height)
                try canvas.cell(cell, x: cx, y: y, width: column.width, height: height, size: cellSize, align: column.align,
                                padding: padding, owner: owner(i))
                cx += column.width
            }
            y += height
        }
        return y
    }

    private func heading(on canvas: PDFCanvas, x: Double, y: Double) throws -> Double {
        var cx = x
        var height = minRowHeight
        for column in columns {
            height = max(height, try canvas.measure(column.title, size: size, bold: true, width: column.width - 2 * padding) + 2 * padding)
        }
        for column in columns {
            canvas.rect(x: cx, y: y, width: column.width, height: height, fillGray: 0.9)
            try canvas.cell(column.title, x: cx, y: y, width: column.width, height: height, size: size, bold: true, padding: padding)
            cx += column.width
        }
        return y + height
    }
}
