-- Analytics: model versions with their metrics and training window, and every prediction with
-- the version that made it (the original's ml_models and procurement_predictions, extended).

CREATE TABLE ml_models (
    id            BIGSERIAL PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    model_type    VARCHAR(30)  NOT NULL
                  CONSTRAINT ml_models_type_valid
                  CHECK (model_type IN ('success_prediction', 'demand_forecast', 'price_optimization')),
    -- training → ready (trained and measured) or failed; `served` says which ready version answers
    status        VARCHAR(20)  NOT NULL DEFAULT 'training'
                  CONSTRAINT ml_models_status_valid CHECK (status IN ('training', 'ready', 'failed')),
    served        BOOLEAN      NOT NULL DEFAULT FALSE,
    -- why it is (not) served: beats its baselines, and is at least as good as the served version
    -- on the newest data
    decision      TEXT         NOT NULL DEFAULT '',
    -- what asked for it: 'nightly:{tick}', 'staff:{id}', 'service'
    trigger       VARCHAR(100) NOT NULL DEFAULT '',
    intent        TEXT         NOT NULL DEFAULT '',
    -- the headline metric (success: test AUC at a quarter of the window; demand: MASE)
    performance   DOUBLE PRECISION,
    -- the model's and its baselines' metrics on the test part, the calibration table
    metrics       JSONB        NOT NULL DEFAULT '{}',
    -- openings of the oldest and newest training procurement and of the newest test one
    trained_from  TIMESTAMPTZ,
    trained_to    TIMESTAMPTZ,
    tested_to     TIMESTAMPTZ,
    train_rows    INTEGER      NOT NULL DEFAULT 0,
    test_rows     INTEGER      NOT NULL DEFAULT 0,
    -- the fitted model (analytics crate, serialised), kept out of listings
    artifact      JSONB,
    artifact_path VARCHAR(500) NOT NULL DEFAULT '',
    training_metadata JSONB    NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT ml_models_served_ready CHECK (NOT served OR status = 'ready')
);
-- at most one served version per kind
CREATE UNIQUE INDEX ml_models_one_served_key ON ml_models (model_type) WHERE served;
CREATE INDEX ml_models_created_idx ON ml_models (created_at DESC, id DESC);

CREATE TABLE procurement_predictions (
    id              BIGSERIAL PRIMARY KEY,
    procurement_id  BIGINT       NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    -- the version that answered; NULL when a baseline formula answered (no version served)
    ml_model_id     BIGINT REFERENCES ml_models (id) ON DELETE SET NULL,
    prediction_type VARCHAR(50)  NOT NULL
                    CONSTRAINT procurement_predictions_type_valid
                    CHECK (prediction_type IN ('success_prediction', 'demand_forecast', 'price_optimization')),
    predicted_value DOUBLE PRECISION NOT NULL,
    confidence      DOUBLE PRECISION,
    -- 'model' or the baseline that answered ('heuristic')
    answered_by     VARCHAR(30)  NOT NULL,
    input_features  JSONB        NOT NULL DEFAULT '{}',
    -- what else the answer says (price advice's effect, demand's units)
    details         JSONB        NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX procurement_predictions_procurement_idx ON procurement_predictions (procurement_id, id DESC);

-- procurements made by `groupbuy seed --history`: recognisable, and kept apart from live ones
ALTER TABLE procurements ADD COLUMN generated BOOLEAN NOT NULL DEFAULT FALSE;
