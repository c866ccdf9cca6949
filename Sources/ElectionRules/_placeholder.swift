// ElectionRules
