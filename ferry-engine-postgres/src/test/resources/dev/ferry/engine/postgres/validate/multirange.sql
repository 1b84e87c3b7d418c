ALTER TABLE public.all_types ADD COLUMN c_multirange int4multirange;
UPDATE public.all_types SET c_multirange = int4multirange(int4range(1, 3), int4range(id::int + 5, id::int + 9)) WHERE id <= 250
