{#-
    One survey answer as a small typed vocabulary, whichever way a layout wrote it: the 2014
    survey's 'Yes' / 'No' / "Don't know" / 'Some of them', the 2016 survey's 0 / 1 / 'I don''t
    know' / 'I am not sure' / 'Not eligible for coverage / N/A'. Gives 'yes', 'no', 'unsure',
    'maybe', 'some' or 'not_applicable'; null for no answer and for an answer it does not know
    (the recognised_answer test warns about those, so a new wording is seen, not lost).
-#}
{% macro osmi_answer(column) -%}
    case lower(trim({{ column }}))
        when 'yes' then 'yes'
        when '1' then 'yes'
        when 'no' then 'no'
        when '0' then 'no'
        when 'don''t know' then 'unsure'
        when 'i don''t know' then 'unsure'
        when 'not sure' then 'unsure'
        when 'i am not sure' then 'unsure'
        when 'unsure' then 'unsure'
        when 'maybe' then 'maybe'
        when 'some of them' then 'some'
        when 'not eligible for coverage / n/a' then 'not_applicable'
        when 'not applicable to me' then 'not_applicable'
        when 'n/a' then 'not_applicable'
    end
{%- endmacro %}

{#- A yes/no answer as a boolean; null for anything else. -#}
{% macro osmi_yes_no(column) -%}
    case {{ mindpulse.osmi_answer(column) }}
        when 'yes' then true
        when 'no' then false
    end
{%- endmacro %}
