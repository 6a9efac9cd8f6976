-- A metered price may state the vendor's typical usage per 1,000 inhabitants and month, in thousandths of a unit
-- (2.5 Anträge per 1,000 inhabitants = 2500), so the cost summary can estimate a municipality's usage from its population.
ALTER TABLE plan_extras ADD typical_milli_per_1000 bigint NULL;
GO
-- The Merkliste: offerings a buyer collects for a municipality before ordering them in one order, with plan and add-ons.
CREATE TABLE basket_items (
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    user_id nvarchar(100) NOT NULL,
    offering_id nvarchar(100) NOT NULL,
    plan_id nvarchar(100) NOT NULL,
    add_on_ids nvarchar(max) NOT NULL,
    added_at nvarchar(100) NOT NULL,
    CONSTRAINT pk_basket_items PRIMARY KEY (municipality_ags, user_id, offering_id)
);
