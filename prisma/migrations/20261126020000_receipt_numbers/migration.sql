-- Receipt numbers (R-<year>-<six digits>) come from one sequence, so every
-- server hands out unique numbers without coordination.
CREATE SEQUENCE "receipt_number_seq" START 1;
