// IRPlan's fused CT + PET ray cast: fragment-shader code spliced into VTK 9.1's
// GPU ray caster (vtkOpenGLGPUVolumeRayCastMapper) through vtkShaderProperty.
// The volume has two 16-bit components on the CT grid: 0 = CT (HU + offset),
// 1 = PET resampled through the case transform (display units / scale). Each
// sample gets the CT colour/opacity from a piecewise-linear preset (vessels,
// bone, soft tissue), optional gradient shading, and the PET colour map on top;
// both are composited in one pass (front to back).
//
// The section after IRPLAN::Dec is added to //VTK::Shading::Dec (functions),
// the section after IRPLAN::Impl replaces //VTK::Shading::Impl (one sample).
// Uniforms u_* are declared by VTK from the custom uniforms render/ sets.

//IRPLAN::Dec
float irplanCtHu(vec3 pos)
{
  vec4 s = texture3D(in_volume[0], pos) * in_volume_scale[0] + in_volume_bias[0];
  return mix(in_scalarsRange[0].x, in_scalarsRange[0].y, s.r) - u_ctOffset;
}

// Piecewise-linear CT transfer function: HU -> colour and opacity per millimetre.
vec4 irplanCtColour(float hu)
{
  if (hu <= u_ctHu[0]) return u_ctRgba[0];
  for (int i = 1; i < 8; ++i)
  {
    if (i >= u_ctCount) break;
    if (hu <= u_ctHu[i])
    {
      float f = (hu - u_ctHu[i - 1]) / max(u_ctHu[i] - u_ctHu[i - 1], 1e-3);
      return mix(u_ctRgba[i - 1], u_ctRgba[i], f);
    }
  }
  return u_ctRgba[u_ctCount - 1];
}

// The PET colour map as 16 evenly spaced colours (the same map as the slices).
vec3 irplanPetColour(float t)
{
  float x = clamp(t, 0.0, 1.0) * 15.0;
  int i = int(min(floor(x), 14.0));
  return mix(u_petTable[i], u_petTable[i + 1], x - float(i));
}

//IRPLAN::Impl
    if (!g_skip)
    {
      vec4 s = texture3D(in_volume[0], g_dataPos) * in_volume_scale[0] + in_volume_bias[0];
      float hu = mix(in_scalarsRange[0].x, in_scalarsRange[0].y, s.r) - u_ctOffset;
      vec4 ct = irplanCtColour(hu);
      if (u_shading > 0.5 && ct.a > 0.001)
      {
        // Gradient of the CT by central differences: a headlight makes vessel and
        // bone surfaces read as shapes, not as fog.
        vec3 d = in_cellStep[0];
        vec3 g = vec3(irplanCtHu(g_dataPos + vec3(d.x, 0.0, 0.0)) - irplanCtHu(g_dataPos - vec3(d.x, 0.0, 0.0)),
                      irplanCtHu(g_dataPos + vec3(0.0, d.y, 0.0)) - irplanCtHu(g_dataPos - vec3(0.0, d.y, 0.0)),
                      irplanCtHu(g_dataPos + vec3(0.0, 0.0, d.z)) - irplanCtHu(g_dataPos - vec3(0.0, 0.0, d.z)));
        float len = length(g);
        if (len > 1.0)
        {
          float facing = abs(dot(g / len, normalize(g_dirStep)));
          ct.rgb *= 0.3 + 0.7 * facing;
        }
      }
      vec4 pet = vec4(0.0);
      if (u_petOn > 0.5)
      {
        float value = mix(in_scalarsRange[1].x, in_scalarsRange[1].y, s.g) * u_petScale;
        // Colour over the whole PET window (as on the slices); opacity from u_petCut up.
        float t = (value - u_petLow) / max(u_petHigh - u_petLow, 1e-6);
        float opacity = (value - u_petCut) / max(u_petHigh - u_petCut, 1e-6);
        if (opacity > 0.0)
          pet = vec4(irplanPetColour(t), u_petOpacity * clamp(opacity, 0.0, 1.0));
      }
      float a = 1.0 - (1.0 - ct.a) * (1.0 - pet.a);
      if (a > 0.0)
      {
        vec3 c = (ct.rgb * ct.a + pet.rgb * pet.a) / (ct.a + pet.a);
        // Opacities are per millimetre; a sample spans u_stepMm.
        a = 1.0 - pow(1.0 - min(a, 0.999), u_stepMm);
        g_fragColor.rgb += (1.0 - g_fragColor.a) * c * a;
        g_fragColor.a += (1.0 - g_fragColor.a) * a;
      }
    }
