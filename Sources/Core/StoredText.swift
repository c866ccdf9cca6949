import ElectionRules

extension HumanText {
    /// The text as it is stored, or a coded refusal naming the field: `HumanText.normalized`,
    /// then the one rule (`problem`), then at least `minLength` characters.
    public static func clean(_ text: String, field: String, label: String, maxLength: Int, minLength: Int = 1,
                             multiline: Bool = false) throws -> String {
        let stored = normalized(text)
        if let problem = problem(stored, maxLength: maxLength, multiline: multiline) {
            throw Refusal.invalid(problem.code, problem.message(label), field: field)
        }
        guard stored.count >= minLength else {
            throw Refusal.invalid("text.tooShort", minLength <= 1 ? "请填写「\(label)」" : "「\(label)」至少 \(minLength) 个字", field: field)
        }
        return stored
    }
}

extension HumanText {
    /// `clean` for a caller that checks the length itself, with its own code: only the
    /// characters are screened here (the bound is a backstop far above any form's).
    public static func screened(_ text: String, field: String, label: String, multiline: Bool = false) throws -> String {
        try clean(text, field: field, label: label, maxLength: 100_000, minLength: 0, multiline: multiline)
    }
}
