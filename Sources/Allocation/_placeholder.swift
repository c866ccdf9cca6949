// Allocation
