import Foundation
import CPangoCairo

/// A text the fonts cannot draw, or a page that cannot hold what it must: the document is
/// refused rather than printed with a blank box or cut short.
public struct PDFError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String
    public init(_ code: String, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(message)（\(code)）" }
}

/// An A4 PDF drawn with Cairo, text laid out by Pango in Noto Sans CJK (embedded, subset).
///
/// C handles are not Sendable: one canvas per document, drawn from start to `finish()` in one
/// synchronous piece of code (no `await` in between), off the event loop. Coordinates are
/// points from the top left of the page. The output is deterministic: the creation date is
/// fixed, so the same content gives the same bytes.
public final class PDFCanvas {
    public static let a4Width = 595.276, a4Height = 841.89
    public static let a3Width = 841.89, a3Height = 1190.551
    public static let fontFamily = "Noto Sans CJK SC"
    /// What the PDF says it was created on: fixed, so that a document depends on its content only.
    public static let fixedCreationDate = "2026-01-01T00:00:00Z"

    public enum Align: Sendable { case left, center, right }

    public let width: Double, height: Double
    public private(set) var pageCount = 1

    private let sink: Sink
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let context: OpaquePointer
    private let layout: OpaquePointer
    private var fonts: [Int: OpaquePointer] = [:]
    private var finished = false

    /// Collects what Cairo writes.
    private final class Sink { var data = Data() }

    /// A portrait page of `width` × `height` points (A4 unless given).
    public init(title: String, width: Double = PDFCanvas.a4Width, height: Double = PDFCanvas.a4Height) {
        self.width = width; self.height = height
        sink = Sink()
        let write: cairo_write_func_t = { closure, bytes, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            if let bytes { sink.data.append(bytes, count: Int(length)) }
            return CAIRO_STATUS_SUCCESS
        }
        surface = cairo_pdf_surface_create_for_stream(write, Unmanaged.passUnretained(sink).toOpaque(), width, height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, PDFCanvas.fixedCreationDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, PDFCanvas.fixedCreationDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Xuanju")
        cr = cairo_create(surface)
        // A font map of its own: Pango's default one is shared across threads.
        let fontMap = pango_cairo_font_map_new()
        context = pango_font_map_create_context(fontMap)
        g_object_unref(UnsafeMutableRawPointer(fontMap))
        // Cairo's PDF unit is the point; at Pango's default 96 dpi text would come out 1.33× too big.
        pango_cairo_context_set_resolution(context, 72)
        pango_cairo_update_context(cr, context)
        layout = pango_layout_new(context)
        cairo_set_source_rgb(cr, 0, 0, 0)
    }

    deinit {
        // Cairo first: finishing the surface writes the fonts Pango's objects still hold (a
        // canvas given up half-drawn, after a refused name, is finished here and its bytes dropped).
        if !finished { cairo_surface_finish(surface) }
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
        g_object_unref(UnsafeMutableRawPointer(layout))
        g_object_unref(UnsafeMutableRawPointer(context))
        for font in fonts.values { pango_font_description_free(font) }
    }

    private func font(size: Double, bold: Bool) -> OpaquePointer {
        let key = Int(size * 100) * 2 + (bold ? 1 : 0)
        if let font = fonts[key] { return font }
        let font = pango_font_description_new()!
        pango_font_description_set_family(font, PDFCanvas.fontFamily)
        pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_size(font, Int32(size * Double(PANGO_SCALE)))
        fonts[key] = font
        return font
    }

    /// Lays `text` out without drawing it: a width wraps it (by word, or by character for
    /// Chinese). Refuses a text with a character no installed font can draw, naming `owner`
    /// (the person or field it belongs to) so the user knows which record to correct.
    private func prepare(_ text: String, size: Double, bold: Bool, width: Double?, align: Align, owner: String?) throws {
        guard layOut(text, size: size, bold: bold, width: width, align: align) else {
            let missing = text.unicodeScalars.filter { !PDFCanvas.drawable($0) }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            let detail = missing.isEmpty ? "" : "（\(missing.joined(separator: "、"))）"
            throw PDFError("pdf.glyph.missing", "\(owner.map { "「\($0)」的" } ?? "")「\(text)」含有字体无法显示的字\(detail)，请核对后再生成文件")
        }
    }

    /// Lays the text out; false when some character has no glyph in any installed font.
    private func layOut(_ text: String, size: Double, bold: Bool, width: Double?, align: Align) -> Bool {
        pango_layout_set_font_description(layout, font(size: size, bold: bold))
        pango_layout_set_width(layout, width.map { Int32($0 * Double(PANGO_SCALE)) } ?? -1)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        switch align {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        pango_layout_set_text(layout, text, -1)
        return pango_layout_get_unknown_glyphs_count(layout) == 0
    }

    /// Whether the document fonts have a glyph for a character (checked one by one only to name
    /// the culprits in an error).
    private static func drawable(_ scalar: Unicode.Scalar) -> Bool {
        PDFCanvas(title: "").layOut(String(scalar), size: 10, bold: false, width: nil, align: .left)
    }

    /// The height `text` takes, laid out as `text(…)` would draw it.
    public func measure(_ text: String, size: Double, bold: Bool = false, width: Double? = nil, owner: String? = nil) throws -> Double {
        try prepare(text, size: size, bold: bold, width: width, align: .left, owner: owner)
        return logicalSize().height
    }

    /// The largest size up to `size` at which `text` stays on one line within `width` (a name in
    /// a table cell: 古丽娜·米娜 must not break at the dot), in quarter points down to 40% of
    /// `size`; a name that does not fit even then is drawn at that smallest size, wrapped, never cut.
    public func fittingSize(_ text: String, size: Double, bold: Bool = false, width: Double, owner: String? = nil) throws -> Double {
        func natural(_ candidate: Double) throws -> Double {
            try prepare(text, size: candidate, bold: bold, width: nil, align: .left, owner: owner)
            return logicalSize().width
        }
        let full = try natural(size)
        guard full > width, full > 0 else { return size }
        // Text width is nearly proportional to the size: start there, then step down until it fits
        // (the layout's rounding makes it a little wider at small sizes).
        let smallest = size * 0.4
        var candidate = max(smallest, (size * width / full * 4).rounded(.down) / 4)
        while candidate > smallest, try natural(candidate) > width { candidate -= 0.25 }
        return max(smallest, candidate)
    }

    private func logicalSize() -> (width: Double, height: Double) {
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return (Double(w) / Double(PANGO_SCALE), Double(h) / Double(PANGO_SCALE))
    }

    /// Draws `text` with its top left at (x, y) — or aligned within `width` — and returns its height.
    @discardableResult
    public func text(_ text: String, x: Double, y: Double, size: Double, bold: Bool = false, width: Double? = nil, align: Align = .left,
                     owner: String? = nil) throws -> Double {
        try prepare(text, size: size, bold: bold, width: width, align: align, owner: owner)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
        return logicalSize().height
    }

    /// Text centred vertically in a box (a table cell).
    public func cell(_ text: String, x: Double, y: Double, width: Double, height: Double, size: Double, bold: Bool = false,
                     align: Align = .center, padding: Double = 3, owner: String? = nil) throws {
        try prepare(text, size: size, bold: bold, width: width - 2 * padding, align: align, owner: owner)
        let h = logicalSize().height
        cairo_move_to(cr, x + padding, y + max(0, (height - h) / 2))
        pango_cairo_show_layout(cr, layout)
    }

    public func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.6) {
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, x2, y2)
        cairo_stroke(cr)
    }

    /// A rectangle outline, or filled in a grey level (0 black … 1 white) under its outline.
    public func rect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.6, fillGray: Double? = nil) {
        cairo_rectangle(cr, x, y, width, height)
        if let gray = fillGray {
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_fill_preserve(cr)
            cairo_set_source_rgb(cr, 0, 0, 0)
        }
        cairo_set_line_width(cr, lineWidth)
        cairo_stroke(cr)
    }

    public func newPage() {
        cairo_show_page(cr)
        pageCount += 1
    }

    /// Ends the document and gives its bytes.
    public func finish() throws -> Data {
        precondition(!finished, "a PDF canvas is finished once")
        finished = true
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PDFError("pdf.render.failed", "生成 PDF 失败：\(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }
}
