# moveo-reports, Deutsch. Jeder Schlüssel hier muss in jedem Katalog vorkommen (ein Test prüft das).
# Zahlen kommen bereits formatiert an; `$n` dient nur der Wahl der Pluralform.

## Dates

month_1 = Januar
month_2 = Februar
month_3 = März
month_4 = April
month_5 = Mai
month_6 = Juni
month_7 = Juli
month_8 = August
month_9 = September
month_10 = Oktober
month_11 = November
month_12 = Dezember
month_short_1 = Jan.
month_short_2 = Feb.
month_short_3 = März
month_short_4 = Apr.
month_short_5 = Mai
month_short_6 = Juni
month_short_7 = Juli
month_short_8 = Aug.
month_short_9 = Sept.
month_short_10 = Okt.
month_short_11 = Nov.
month_short_12 = Dez.
weekday_1 = Montag
weekday_2 = Dienstag
weekday_3 = Mittwoch
weekday_4 = Donnerstag
weekday_5 = Freitag
weekday_6 = Samstag
weekday_7 = Sonntag
weekdays_1 = Montagen
weekdays_2 = Dienstagen
weekdays_3 = Mittwochen
weekdays_4 = Donnerstagen
weekdays_5 = Freitagen
weekdays_6 = Samstagen
weekdays_7 = Sonntagen
weekday_short_1 = Mo.
weekday_short_2 = Di.
weekday_short_3 = Mi.
weekday_short_4 = Do.
weekday_short_5 = Fr.
weekday_short_6 = Sa.
weekday_short_7 = So.
date_day_month = { $day }. { $month }
date_long = { $day }. { $month } { $year }
date_weekday = { $weekday }, { $day }. { $month }
date_month_year = { $month } { $year }
date_range = { $first } – { $last }
date_range_same_year = { $first } – { $last } { $year }
date_range_same_month = { $first }.–{ $last }. { $month } { $year }
date_week_of = Woche ab { $date }
date_time = { $date }, { $time } { $zone }

## Formats

unit_pp = Pp.
change_new = neu
demo_mark = Demodaten
brand_default = Moveo.AI-Analysen
busiest_none = keine Nachrichten
kind_weekly = Wochenbericht
kind_monthly = Monatsbericht
kind_custom = Bericht

## Headline figures

kpi_sessions = Sitzungen
kpi_users = Nutzer
kpi_messages = Nutzernachrichten
kpi_messages_per_session = Nachrichten pro Sitzung
kpi_avg_response = Ø Antwortzeit
kpi_median_response = Median-Antwortzeit
kpi_first_response = Ø Erstantwortzeit
kpi_agent_replies = Mitarbeiter-Antworten
kpi_closed_sessions = Von Mitarbeitern beendet
kpi_ratings = Bewertungen
kpi_avg_rating = Ø Bewertung
kpi_share_above_3 = Bewertungen über 3
kpi_containment = Selbstlösungsquote
kpi_coverage = Abdeckung

## Day table, CSV and workbook columns

col_day = Tag
col_week = Woche
col_sessions = Sitzungen
col_users = Nutzer
col_messages = Nachrichten
col_agent_replies = Mitarbeiter-Antworten
col_closed = Beendet
col_avg_response = Ø Antwortzeit
col_ratings = Bewertungen
col_avg_rating = Ø Bewertung

## Goals

goal_above = { $distance } über dem Ziel
goal_short = { $distance } zu wenig
goal_under = { $distance } unter dem Ziel
goal_over = { $distance } zu viel

## Highlights

hl_kpi_above = { $label }: { $value }, deutlich über dem üblichen Wert von { $usual } (Median der letzten { $n } { $steps ->
        [months] Monate
       *[weeks] Wochen
    }; { $change }).
hl_kpi_below = { $label }: { $value }, deutlich unter dem üblichen Wert von { $usual } (Median der letzten { $n } { $steps ->
        [months] Monate
       *[weeks] Wochen
    }; { $change }).
hl_day = { $day }: { $sessions } Sitzungen, { $factor }-mal so viele wie an einem üblichen { $weekday } (Median { $usual } an den { $n } { $weekdays } davor).
hl_intent_rose = Der Intent „{ $intent }“ stieg von { $before } auf { $now } ({ $change }).
hl_intent_fell = Der Intent „{ $intent }“ fiel von { $before } auf { $now } ({ $change }).
hl_goal_missed = Ziel verfehlt: { $label } lag bei { $actual }, Sollwert { $target } ({ $distance }).
hl_goals_met = { $n ->
        [one] Ziel erreicht
       *[other] Ziele erreicht
    }: { $list }.
hl_ai_agent_rise = Der Anstieg der Sitzungen mit KI-Agenten ({ $total }) geht größtenteils auf einen einzigen KI-Agenten zurück: { $agent } ({ $change }, { $share } der Veränderung).
hl_ai_agent_drop = Der Rückgang der Sitzungen mit KI-Agenten ({ $total }) geht größtenteils auf einen einzigen KI-Agenten zurück: { $agent } ({ $change }, { $share } der Veränderung).
hl_too_little = Zu wenig Aufkommen für eine Einordnung: { $sessions } { $n ->
        [one] Sitzung
       *[other] Sitzungen
    } in diesem Zeitraum (nötig sind mindestens { $min }).
hl_nothing_unusual = Nichts Auffälliges: Kein Tag wich deutlich vom selben Wochentag der Vorwochen ab, und kein Intent mit mindestens { $volume } Treffern veränderte sich um den Faktor { $factor } oder mehr.
hl_nothing_unusual_trend = Nichts Auffälliges: Alle Kennzahlen liegen im üblichen Bereich der letzten { $steps ->
        [months] Monate
       *[weeks] Wochen
    }, kein Tag wich deutlich vom selben Wochentag der Vorwochen ab, und kein Intent mit mindestens { $volume } Treffern veränderte sich um den Faktor { $factor } oder mehr.
date_month_short_year = { $month } { $year }

## AI agents

ai_all_sessions = Alle Sitzungen
ai_contained = Ohne Übergabe
ai_not_contained = Mit Übergabe
ai_covered = Abgedeckt
ai_not_covered = Nicht abgedeckt
ai_explained = Die Selbstlösungsquote ist der Anteil der Sitzungen mit KI-Agent, die ohne Übergabe an einen Menschen endeten. Die Abdeckung ist der Anteil der Antworten des KI-Agenten, die aus seinem trainierten Wissen stammen und nicht aus der Rückfallantwort (dem Ablauf „Unknown“).

## What a report could not show

check_hint = Die für diesen Bericht verantwortliche Person kann mit `moveo-reports check` prüfen, welche Abfragen zu diesem Konto passen; eine korrigierte Abfragedatei (in MOVEO_QUERIES_DIR oder unter queries/ im Bucket der Berichte auf AWS) stellt einen Abschnitt wieder her, ohne dass die Anwendung neu gebaut werden muss.
section_kpis = Kennzahlen
section_activity = Diagramm Sitzungen, Nutzer und Nachrichten
section_intents = Häufigste Intents
section_response_times = Diagramm Antwortzeiten
section_agent_replies = Diagramm Mitarbeiter-Antworten
section_ratings = Diagramm Bewertungen
section_ratings_summary = Bewertungsübersicht
section_quotes = Zitate aus Rückmeldungen
section_messages_per_hour = Nachrichten pro Stunde
section_daily = Tagestabelle
section_agents = Mitarbeiter
section_ai_agents = KI-Agenten: Selbstlösungsquote und Abdeckung
section_ai_duration = Dauer der Sitzungen mit KI-Agent
section_ai_messages = Nachrichten pro Sitzung mit KI-Agent
section_ai_distribution = Nutzernachrichten pro Sitzung mit KI-Agent
kpi_unknown = Kennzahl
field_sessions_total = Sitzungen
field_users_total = Nutzer
field_messages_total = Nutzernachrichten
field_sessions = Sitzungen pro Tag
field_users = Nutzer pro Tag
field_messages = Nachrichten pro Tag
field_agent_replies = Mitarbeiter-Antworten
field_open_closed = Beendete Sitzungen
field_response_times = Antwortzeiten pro Tag
field_response_overall = Antwortzeiten
field_ratings = Bewertungen
field_feedback = Kommentare zu Bewertungen
field_top_intents = Häufigste Intents
field_hourly = Nachrichten pro Stunde
field_agents = Mitarbeiter
field_ai_agents = Leistung der KI-Agenten
field_ai_counts = Sitzungen pro KI-Agent
field_ai_duration = Dauer der Sitzungen mit KI-Agent
field_ai_messages = Nachrichten pro Sitzung mit KI-Agent
field_ai_distribution = Verteilung der Nachrichten bei KI-Agenten
coverage_column = die Spalte „{ $column }“
coverage_left_out = Ausgelassen: { $list } (die Abfrage { $query } wurde abgelehnt; siehe Hinweis oben).
coverage_unfiltered = { $figure }: nicht nach { $filters } gefiltert ({ $query } unterstützt diesen Filter nicht).
coverage_key_figures = Kennzahlen ({ $list })
coverage_day_columns = die Spalte „{ $list }“ der Tagestabelle
coverage_gap_unreadable = { $sections }: ausgelassen, weil die Antwort von Moveo auf die Abfrage { $query } ({ $file }) nicht gelesen werden konnte: { $reason }
coverage_gap_rejected = { $sections }: ausgelassen, weil Moveo die Abfrage { $query } ({ $file }) abgelehnt hat: { $reason }

## Charts: titles, axes and what each one says (alt text)

chart_activity = Sitzungen, Nutzer und Nachrichten { $per ->
        [week] pro Woche
       *[day] pro Tag
    }
chart_intents = Häufigste Intents
chart_response_times = Antwortzeiten (Minuten)
chart_agent_replies = Mitarbeiter-Antworten { $per ->
        [week] pro Woche
       *[day] pro Tag
    }
chart_ratings = Bewertungen
chart_messages_per_hour = Nutzernachrichten pro Stunde der Woche
chart_ai_distribution = Nutzernachrichten pro Sitzung mit KI-Agent
axis_minutes = Minuten
axis_replies = Antworten
axis_ratings = Bewertungen
axis_sessions = Sitzungen
axis_user_messages_in_session = Nutzernachrichten in der Sitzung
axis_stars = { $stars ->
        [one] { $stars } Stern
       *[other] { $stars } Sterne
    }
series_first_response = Erste Antwort
series_average = Durchschnitt
series_median = Median
alt_activity = Drei Liniendiagramme mit jeweils eigener Skala: { $sessions } Sitzungen, { $users } Nutzer und { $messages } Nutzernachrichten über { $n } { $per ->
        [week] { $n ->
            [one] Woche
           *[other] Wochen
        }
       *[day] { $n ->
            [one] Tag
           *[other] Tage
        }
    }.
alt_intents = Balkendiagramm der { $n } häufigsten Intents; am häufigsten ist { $intent } mit { $count }.
alt_intents_none = In diesem Zeitraum wurden keine Intents erkannt.
alt_response_times = Liniendiagramm der durchschnittlichen Antwortzeit, des Medians und der Erstantwortzeit { $per ->
        [week] pro Woche
       *[day] pro Tag
    }; Durchschnitt im Zeitraum: { $average }.
alt_agent_replies = Balkendiagramm: { $replies } Mitarbeiter-Antworten im Zeitraum.
alt_ratings = Balkendiagramm der Bewertungen von 1 bis 5: { $counts }.
alt_ratings_count = { $count } × { $stars ->
        [one] { $stars } Stern
       *[other] { $stars } Sterne
    }
alt_messages_per_hour = Farbige Matrix der Nachrichten nach Wochentag und Stunde; Spitzenzeit: { $busiest }.
alt_ai_distribution = Balkendiagramm der Sitzungen mit KI-Agent nach Anzahl der Nutzernachrichten; die meisten Sitzungen ({ $share }) hatten { $messages } { $n ->
        [one] Nachricht
       *[other] Nachrichten
    }.
alt_trend = { $figure } in den letzten { $n } Zeiträumen: { $values }.

## CSV and workbook

csv_chart = Diagramm
csv_series = Reihe
csv_label = Beschriftung
csv_value = Wert
xlsx_key_figures = Kennzahlen
xlsx_figure = Kennzahl
xlsx_this_period = Dieser Zeitraum
xlsx_previous_period = Vorzeitraum
xlsx_unit = Einheit
xlsx_unit_count = Anzahl
xlsx_unit_ratio = Verhältnis
xlsx_unit_rating = Bewertung 1–5
xlsx_unit_share = Anteil
xlsx_by_week = Nach Wochen
xlsx_by_day = Nach Tagen
xlsx_avg_response_min = Ø Antwortzeit (Min.)
xlsx_week_of = Woche ab
xlsx_month = Monat
xlsx_intent = Intent
xlsx_uses = Treffer
xlsx_share = Anteil
xlsx_trends = Verlauf
xlsx_ai_agents = KI-Agenten
xlsx_ai_agent = KI-Agent
xlsx_ai_messages = Nachrichten je KI-Sitzung
xlsx_rating = Bewertung
xlsx_count = Anzahl
xlsx_weekday = Wochentag
dates_line = { $first } bis { $last } ({ $zone }), im Vergleich zu { $previous }
generated_line = Erstellt am { $at } von moveo-reports aus der Datenquelle „{ $source }“ für das Konto { $account }.
trend_note = Kleine Verlaufslinien: { $steps ->
        [months] die letzten { $n } Monate, der aktuelle markiert
       *[weeks] die letzten { $n } Wochen, die aktuelle markiert
    }.
gaps_intro = Moveo hat { $n ->
        [one] eine Abfrage
       *[other] { $n } Abfragen
    } abgelehnt, daher fehlen diese Abschnitte:
ratings_count = { $count } { $n ->
        [one] Bewertung
       *[other] Bewertungen
    }
ratings_average = , Durchschnitt { $average } / 5
ratings_above_3 = , { $share } über 3
stars_label = { $stars } von 5 Sternen

## Fixed words of the email, the HTML report and the PDF

demo_title = Demodaten.
demo_text = Diese Zahlen stammen aus der eingebauten Demo-Datenquelle von moveo-reports, nicht aus einem Moveo-Konto.
gaps_title = Ein Teil dieses Berichts fehlt.
query = Abfrage
highlights = Das Wichtigste
vs = ggü.
note = Hinweis:
goals = Ziele
goal = Ziel
target = Soll
actual = Ist
status = Ergebnis
goal_met = erreicht
goal_missed = verfehlt
no_data = keine Daten
ai_agents = KI-Agenten
ai_agent = KI-Agent
avg_duration = Ø Dauer
avg_user_messages = Ø Nutzernachrichten
change = Veränderung
rank = Rang
before = vorher
agent = Mitarbeiter
replies = Antworten
pdf_attached = Den vollständigen Bericht finden Sie als PDF im Anhang.
view_online = Vollständigen Bericht online ansehen
busiest_hour = Stärkste Stunde
account = Konto
week_by_week = Nach Wochen
day_by_day = Nach Tagen
ratings_and_feedback = Bewertungen und Rückmeldungen
page = Seite

## Chat messages (Slack, Teams)

chat_compared_with = Im Vergleich zu
chat_demo = aus eingebauten Demodaten erstellt
chat_missing = Ein Teil dieses Berichts fehlt
chat_open_report = Bericht öffnen (PDF)

## Daten beim Erstellen des Berichts unvollständig

partial_title = Unvollständige Daten.
partial_data = Als dieser Bericht erstellt wurde, hatte Moveo für { $day } noch keine Sitzungen (an einem üblichen { $weekday } sind es { $usual }); die Zahlen dieses Tages sind daher wahrscheinlich unvollständig.
