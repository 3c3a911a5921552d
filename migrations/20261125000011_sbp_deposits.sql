-- Deposits paid by SBP QR code are matched by the code's id (the bank writes its own purpose).
CREATE UNIQUE INDEX payments_deposit_qrcode_idx ON payments ((metadata->>'qrcode_id'))
    WHERE payment_type = 'deposit' AND metadata ? 'qrcode_id';
