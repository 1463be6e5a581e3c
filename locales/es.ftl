# moveo-reports, español. Cada clave de este archivo debe existir en todos los catálogos (lo comprueba una prueba).
# Los números llegan ya formateados; `$n` solo sirve para elegir el plural.

## Dates

month_1 = enero
month_2 = febrero
month_3 = marzo
month_4 = abril
month_5 = mayo
month_6 = junio
month_7 = julio
month_8 = agosto
month_9 = septiembre
month_10 = octubre
month_11 = noviembre
month_12 = diciembre
month_short_1 = ene
month_short_2 = feb
month_short_3 = mar
month_short_4 = abr
month_short_5 = may
month_short_6 = jun
month_short_7 = jul
month_short_8 = ago
month_short_9 = sept
month_short_10 = oct
month_short_11 = nov
month_short_12 = dic
weekday_1 = lunes
weekday_2 = martes
weekday_3 = miércoles
weekday_4 = jueves
weekday_5 = viernes
weekday_6 = sábado
weekday_7 = domingo
weekdays_1 = lunes
weekdays_2 = martes
weekdays_3 = miércoles
weekdays_4 = jueves
weekdays_5 = viernes
weekdays_6 = sábados
weekdays_7 = domingos
weekday_short_1 = lun
weekday_short_2 = mar
weekday_short_3 = mié
weekday_short_4 = jue
weekday_short_5 = vie
weekday_short_6 = sáb
weekday_short_7 = dom
date_day_month = { $day } { $month }
date_long = { $day } { $month } { $year }
date_weekday = { $weekday } { $day } { $month }
date_month_year = { $month } de { $year }
date_range = { $first } – { $last }
date_range_same_year = { $first } – { $last } { $year }
date_range_same_month = { $first }–{ $last } { $month } { $year }
date_week_of = Semana del { $date }
date_time = { $date }, { $time } { $zone }

## Formats

unit_pp = p. p.
change_new = nuevo
demo_mark = Datos de demostración
brand_default = Analítica de Moveo.AI
busiest_none = sin mensajes
kind_weekly = Informe semanal
kind_monthly = Informe mensual
kind_custom = Informe

## Headline figures

kpi_sessions = Sesiones
kpi_users = Usuarios
kpi_messages = Mensajes de usuarios
kpi_messages_per_session = Mensajes por sesión
kpi_avg_response = Tiempo medio de respuesta
kpi_median_response = Mediana de respuesta
kpi_first_response = Primera respuesta media
kpi_agent_replies = Respuestas de agentes
kpi_closed_sessions = Cerradas por agentes
kpi_ratings = Valoraciones
kpi_avg_rating = Valoración media
kpi_share_above_3 = Valoraciones de 4 o 5
kpi_containment = Contención
kpi_coverage = Cobertura

## Day table, CSV and workbook columns

col_day = Día
col_week = Semana
col_sessions = Sesiones
col_users = Usuarios
col_messages = Mensajes
col_agent_replies = Respuestas de agentes
col_closed = Cerradas
col_avg_response = Respuesta media
col_ratings = Valoraciones
col_avg_rating = Valoración media

## Goals

goal_above = { $distance } por encima
goal_short = faltan { $distance }
goal_under = { $distance } por debajo
goal_over = { $distance } de exceso

## Highlights

hl_kpi_above = { $label }: { $value }, muy por encima del valor habitual de { $usual } (mediana de { $steps ->
        [months] los { $n } meses anteriores
       *[weeks] las { $n } semanas anteriores
    }; { $change }).
hl_kpi_below = { $label }: { $value }, muy por debajo del valor habitual de { $usual } (mediana de { $steps ->
        [months] los { $n } meses anteriores
       *[weeks] las { $n } semanas anteriores
    }; { $change }).
hl_day = { $day }: { $sessions } sesiones, { $factor } veces las de un { $weekday } habitual (mediana de { $usual } en los { $n } { $weekdays } anteriores).
hl_intent_rose = La intención «{ $intent }» subió de { $before } a { $now } ({ $change }).
hl_intent_fell = La intención «{ $intent }» bajó de { $before } a { $now } ({ $change }).
hl_goal_missed = Meta no cumplida: { $label } fue { $actual } frente a un objetivo de { $target } ({ $distance }).
hl_goals_met = { $n ->
        [one] Meta cumplida
       *[other] Metas cumplidas
    }: { $list }.
hl_ai_agent_rise = La mayor parte del aumento de sesiones con agentes de IA ({ $total }) se debe a un solo agente de IA, { $agent } ({ $change }, { $share } del cambio).
hl_ai_agent_drop = La mayor parte de la caída de sesiones con agentes de IA ({ $total }) se debe a un solo agente de IA, { $agent } ({ $change }, { $share } del cambio).
hl_too_little = Tráfico insuficiente para destacar resultados: { $sessions } { $n ->
        [one] sesión
       *[other] sesiones
    } en este período (se necesitan { $min } o más).
hl_nothing_unusual = Nada fuera de lo común: ningún día se apartó del mismo día de la semana en semanas anteriores y ninguna intención con { $volume } usos o más varió en un factor de { $factor } o más.
hl_nothing_unusual_trend = Nada fuera de lo común: todas las cifras principales están dentro de su rango habitual { $steps ->
        [months] de los meses anteriores
       *[weeks] de las semanas anteriores
    }, ningún día se apartó del mismo día de la semana en semanas anteriores y ninguna intención con { $volume } usos o más varió en un factor de { $factor } o más.
date_month_short_year = { $month } { $year }

## AI agents

ai_all_sessions = Todas las sesiones
ai_contained = Contenidas
ai_not_contained = No contenidas
ai_covered = Cubiertas
ai_not_covered = No cubiertas
ai_explained = La contención es la proporción de sesiones con agentes de IA que terminaron sin transferirse a una persona. La cobertura es la proporción de respuestas del agente de IA que provienen de lo que aprendió en su entrenamiento y no de su respuesta de respaldo (el flujo «Unknown»).

## What a report could not show

check_hint = La persona responsable del informe puede ejecutar `moveo-reports check` para ver qué consultas son compatibles con esta cuenta; un archivo de consultas corregido (en MOVEO_QUERIES_DIR o en queries/ dentro del bucket de informes en AWS) recupera la sección sin necesidad de recompilar.
section_kpis = Indicadores clave
section_activity = Gráfico de sesiones, usuarios y mensajes
section_intents = Intenciones principales
section_response_times = Gráfico de tiempos de respuesta
section_agent_replies = Gráfico de respuestas de agentes
section_ratings = Gráfico de valoraciones
section_ratings_summary = Resumen de valoraciones
section_quotes = Comentarios de los usuarios
section_messages_per_hour = Mensajes por hora
section_daily = Tabla día a día
section_agents = Agentes
section_ai_agents = Agentes de IA: contención y cobertura
section_ai_duration = Duración de las sesiones con agentes de IA
section_ai_messages = Mensajes por sesión con agentes de IA
section_ai_distribution = Mensajes de usuarios por sesión con agentes de IA
kpi_unknown = Indicador
field_sessions_total = Sesiones
field_users_total = Usuarios
field_messages_total = Mensajes de usuarios
field_sessions = Sesiones por día
field_users = Usuarios por día
field_messages = Mensajes por día
field_agent_replies = Respuestas de agentes
field_open_closed = Sesiones cerradas
field_response_times = Tiempos de respuesta por día
field_response_overall = Tiempos de respuesta
field_ratings = Valoraciones
field_feedback = Comentarios de las valoraciones
field_top_intents = Intenciones principales
field_hourly = Mensajes por hora
field_agents = Agentes
field_ai_agents = Rendimiento de los agentes de IA
field_ai_counts = Sesiones por agente de IA
field_ai_duration = Duración de las sesiones con agentes de IA
field_ai_messages = Mensajes por sesión con agentes de IA
field_ai_distribution = Distribución de mensajes con agentes de IA
coverage_column = la columna «{ $column }»
coverage_left_out = Omitido: { $list } (se rechazó la consulta { $query }; consulte la nota al principio).
coverage_unfiltered = { $figure }: sin filtrar por { $filters } ({ $query } no admite ese filtro).
coverage_key_figures = Indicadores clave ({ $list })
coverage_day_columns = la columna «{ $list }» de la tabla día a día
coverage_gap_unreadable = { $sections }: omitido porque no se pudo leer la respuesta de Moveo a la consulta { $query } ({ $file }): { $reason }
coverage_gap_rejected = { $sections }: omitido porque Moveo rechazó la consulta { $query } ({ $file }): { $reason }

## Charts: titles, axes and what each one says (alt text)

chart_activity = Sesiones, usuarios y mensajes { $per ->
        [week] por semana
       *[day] por día
    }
chart_intents = Intenciones principales
chart_response_times = Tiempos de respuesta (minutos)
chart_agent_replies = Respuestas de agentes { $per ->
        [week] por semana
       *[day] por día
    }
chart_ratings = Valoraciones
chart_messages_per_hour = Mensajes de usuarios por hora de la semana
chart_ai_distribution = Mensajes de usuarios por sesión con agentes de IA
axis_minutes = minutos
axis_replies = respuestas
axis_ratings = valoraciones
axis_sessions = sesiones
axis_user_messages_in_session = mensajes de usuario en la sesión
axis_stars = { $stars ->
        [one] { $stars } estrella
       *[other] { $stars } estrellas
    }
series_first_response = Primera respuesta
series_average = Media
series_median = Mediana
alt_activity = Tres gráficos de líneas, cada uno con su propia escala: { $sessions } sesiones, { $users } usuarios y { $messages } mensajes de usuarios en { $n } { $per ->
        [week] { $n ->
            [one] semana
           *[other] semanas
        }
       *[day] { $n ->
            [one] día
           *[other] días
        }
    }.
alt_intents = Gráfico de barras de las { $n } intenciones principales; la más usada es { $intent }, con { $count }.
alt_intents_none = No se reconoció ninguna intención en este período.
alt_response_times = Gráfico de líneas del tiempo de respuesta medio, la mediana y la primera respuesta { $per ->
        [week] por semana
       *[day] por día
    }; media del período: { $average }.
alt_agent_replies = Gráfico de barras: { $replies } respuestas de agentes en el período.
alt_ratings = Gráfico de barras de las valoraciones de 1 a 5: { $counts }.
alt_ratings_count = { $count } × { $stars ->
        [one] { $stars } estrella
       *[other] { $stars } estrellas
    }
alt_messages_per_hour = Mapa de calor de los mensajes por día de la semana y hora; franja de mayor actividad: { $busiest }.
alt_ai_distribution = Gráfico de barras de las sesiones con agentes de IA según el número de mensajes de usuario; la mayoría de las sesiones ({ $share }) tuvo { $messages } { $n ->
        [one] mensaje
       *[other] mensajes
    }.
alt_trend = { $figure } en los últimos { $n } períodos: { $values }.

## CSV and workbook

csv_chart = gráfico
csv_series = serie
csv_label = etiqueta
csv_value = valor
xlsx_key_figures = Indicadores clave
xlsx_figure = Indicador
xlsx_this_period = Este período
xlsx_previous_period = Período anterior
xlsx_unit = Unidad
xlsx_unit_count = cantidad
xlsx_unit_ratio = ratio
xlsx_unit_rating = valoración 1–5
xlsx_unit_share = proporción
xlsx_by_week = Por semana
xlsx_by_day = Por día
xlsx_avg_response_min = Respuesta media (min)
xlsx_week_of = Semana del
xlsx_month = Mes
xlsx_intent = Intención
xlsx_uses = Usos
xlsx_share = Proporción
xlsx_trends = Tendencias
xlsx_ai_agents = Agentes de IA
xlsx_ai_agent = Agente de IA
xlsx_ai_messages = Mensajes por sesión de IA
xlsx_rating = Valoración
xlsx_count = Cantidad
xlsx_weekday = Día de la semana
dates_line = Del { $first } al { $last } ({ $zone }), en comparación con { $previous }
generated_line = Generado el { $at } por moveo-reports con datos de la fuente «{ $source }» para la cuenta { $account }.
trend_note = Líneas pequeñas: { $steps ->
        [months] los últimos { $n } meses, con el actual resaltado
       *[weeks] las últimas { $n } semanas, con la actual resaltada
    }.
gaps_intro = Moveo rechazó { $n ->
        [one] una consulta
       *[other] { $n } consultas
    }, por lo que se omitieron estas secciones:
ratings_count = { $count } { $n ->
        [one] valoración
       *[other] valoraciones
    }
ratings_average = , media de { $average } / 5
ratings_above_3 = , { $share } por encima de 3
stars_label = { $stars } de 5 estrellas

## Fixed words of the email, the HTML report and the PDF

demo_title = Datos de demostración.
demo_text = Estas cifras provienen de la fuente de demostración integrada en moveo-reports, no de una cuenta de Moveo.
gaps_title = Falta parte de este informe.
query = consulta
highlights = Destacados
vs = vs.
note = Nota:
goals = Metas
goal = Meta
target = Objetivo
actual = Real
status = Estado
goal_met = cumplida
goal_missed = no cumplida
no_data = sin datos
ai_agents = Agentes de IA
ai_agent = Agente de IA
avg_duration = Duración media
avg_user_messages = Media de mensajes
change = Variación
rank = Puesto
before = antes
agent = Agente
replies = Respuestas
pdf_attached = El informe completo se adjunta en PDF.
view_online = Ver el informe completo en línea
busiest_hour = Hora de mayor actividad
account = cuenta
week_by_week = Semana a semana
day_by_day = Día a día
ratings_and_feedback = Valoraciones y comentarios
page = Página

## Chat messages (Slack, Teams)

chat_compared_with = En comparación con
chat_demo = generado con los datos de demostración integrados
chat_missing = Falta parte de este informe
chat_open_report = Abrir el informe (PDF)

## Datos incompletos al crear el informe

partial_title = Datos parciales.
partial_data = Cuando se creó este informe, Moveo aún no tenía sesiones del { $day } (un { $weekday } habitual tiene { $usual }), así que las cifras de ese día probablemente estén incompletas.
